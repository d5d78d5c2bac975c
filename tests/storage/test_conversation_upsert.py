"""Saving a chat's follow-up context is one upsert: simultaneous first saves of one chat (two instances,
or a save retried after a lost connection) never collide on the primary key."""

from __future__ import annotations

import threading

import pytest

from storage.conversations import load_context, save_context

pytestmark = pytest.mark.pg


def test_simultaneous_first_saves_of_one_chat_do_not_collide(engine):
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def save(i: int) -> None:
        start.wait()
        try:
            save_context(engine, "tg:race", {"agency": f"A{i}"})
        except BaseException as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert load_context(engine, "tg:race")["agency"] in {f"A{i}" for i in range(8)}
    save_context(engine, "tg:race", {"agency": "B"})
    assert load_context(engine, "tg:race") == {"agency": "B"}
