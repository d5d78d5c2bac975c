"""A store outage is not an answer: the engine raises it (the caller says "send it again"), keeps the caches
it had instead of replacing them with empty ones, and answers as before once the store is back.

A fresh store without tables, on the other hand, is an empty store, answered plainly."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from query.engine import Answerer
from storage.db import get_engine
from tests.query.conftest import FIXTURE_REPORTS, TODAY, said
from tests.query.store import write_reports

pytestmark = pytest.mark.pg


class Outage:
    """Every statement fails as a lost connection does, while switched on."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.on = False
        event.listen(engine, "before_cursor_execute", self._fail)

    def _fail(self, conn, cursor, statement, params, context, executemany) -> None:
        if self.on:
            raise OperationalError(statement, params, ConnectionError("server closed the connection unexpectedly"))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._fail)


@pytest.fixture
def outage(engine):
    write_reports(engine, FIXTURE_REPORTS)
    o = Outage(engine)
    yield o
    o.close()


def _question() -> tuple[str, str]:
    r = next(r for r in FIXTURE_REPORTS if r.values.get("apply.received.total") is not None)
    return f"{r.agency} {r.year} 依申请数", r.agency


def test_an_outage_raises_instead_of_answering_and_the_caches_survive(engine, outage):
    question, agency = _question()
    ans = Answerer(engine)
    before = ans.ask(question, today=TODAY)
    assert before.status == "ok", said(before)
    known = dict(ans.agencies)

    outage.on = True
    with pytest.raises(OperationalError):
        ans.refresh()
    assert ans.agencies == known  # not replaced by an empty store
    with pytest.raises(OperationalError):
        ans.ask(question, today=TODAY, chat_key="chat:1")  # the follow-up context cannot be read
    ans.cache._data.clear()  # numbers must come from the store now
    with pytest.raises(OperationalError):
        ans.ask(question, today=TODAY)  # never "rephrase" or "not found" for a store outage

    outage.on = False
    after = ans.ask(question, today=TODAY, chat_key="chat:1")
    assert after.status == "ok" and said(after) == said(before)
    assert [(a.agency, a.year, a.value) for a in after.answers] == [(a.agency, a.year, a.value)
                                                                    for a in before.answers]


def test_an_outage_at_first_load_is_retried_at_the_next_question(engine, outage):
    question, _ = _question()
    ans = Answerer(engine)
    outage.on = True
    with pytest.raises(OperationalError):
        ans.ask(question, today=TODAY)
    outage.on = False
    assert ans.ask(question, today=TODAY).status == "ok"


def test_a_store_without_tables_is_an_empty_store(tmp_path):
    ans = Answerer(get_engine(f"sqlite:///{tmp_path / 'empty.db'}"))
    answer = ans.ask("西夏区 2020 依申请数", today=TODAY)
    assert answer.status == "no_data" and "还没有" in said(answer)
