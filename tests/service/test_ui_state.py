"""Per-chat UI state: the first save of a chat is one upsert, so two updates saving it at once (two bot
instances, or a retry after a lost connection) never collide on the primary key."""

from __future__ import annotations

import threading

import pytest

from service import ui_state

pytestmark = pytest.mark.pg

WRITERS = 8


def test_first_save_race_is_an_upsert(engine):
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def save(i: int) -> None:
        barrier.wait()  # every writer finds no row, then all insert at once
        try:
            ui_state.save(engine, "tg:42", {"menus": {}, "writer": i})
        except BaseException as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ui_state.load(engine, "tg:42")["writer"] in range(WRITERS)


def test_state_round_trip_and_overwrite(engine):
    assert ui_state.load(engine, "tg:1") == {}
    ui_state.save(engine, "tg:1", {"last": {"rows": [1]}})
    ui_state.save(engine, "tg:1", {"last": {"rows": [2]}})
    assert ui_state.load(engine, "tg:1") == {"last": {"rows": [2]}}
    assert ui_state.load(engine, "tg:2") == {}
