"""The getUpdates screen (handlers.fairness.UpdateScreen / ScreeningRequest): a refused update is handed
on as its bare update_id so python-telegram-bot never parses it, the processor neither asks the bucket
twice for a screened update nor skips the bucket for an unscreened (webhook) one."""

from __future__ import annotations

import json

import pytest
from telegram import Update

from handlers.fairness import FairUpdateProcessor, ScreeningRequest, UpdateScreen, raw_sender_key, sender_key
from service.fairness import TokenBucket, Verdict
from tests.botapi import BotApiStandin

pytestmark = pytest.mark.asyncio


def frozen_bucket(burst: int) -> TokenBucket:
    return TokenBucket(burst, 0.001, clock=lambda: 1000.0)  # no refill during a test


def raw_updates() -> list[dict]:
    api = BotApiStandin()  # not started: only its update builders are used
    api.bot_messages[(77, 5)] = {"message_id": 5, "date": 0, "chat": {"id": 77, "type": "private"},
                                 "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a",
                                                                                     "callback_data": "d"}]]}}
    return [
        api.push_message(77, "/help"),
        api.push_message(-100123, "群里 @disclosure_test_bot 2020", chat_type="supergroup", user_id=78),
        api.push_channel_post(-100999, "频道消息"),
        api.push_callback(77, 77, "d", message_id=5),
        api.push_inline_query(79, "2020 依申请数"),
        api.push_update({"edited_message": {"message_id": 9, "date": 0, "edit_date": 1, "text": "改",
                                            "chat": {"id": 80, "type": "private"},
                                            "from": {"id": 80, "is_bot": False, "first_name": "U"}}}),
        api.push_update({"a_future_kind": {"id": "p", "question": "?"}}),  # nobody's
    ]


async def test_the_raw_sender_is_the_parsed_sender():
    for raw in raw_updates():
        assert raw_sender_key(raw) == sender_key(Update.de_json(raw, None)), raw


async def test_a_refused_update_goes_on_as_its_bare_id():
    screen = UpdateScreen(frozen_bucket(2))
    first, second, third, fourth = ({"update_id": i, "message": {"message_id": i, "date": 0, "text": "/help",
                                     "chat": {"id": 5, "type": "private"},
                                     "from": {"id": 5, "is_bot": False, "first_name": "F"}}} for i in range(1, 5))
    assert screen.screen(first) is first and screen.screen(second) is second
    assert screen.screen(third) is third  # the first refusal is kept whole: it gets the one 太快了
    assert screen.screen(fourth) == {"update_id": 4}
    other = {"update_id": 5, "inline_query": {"id": "q", "query": "x", "offset": "",
                                              "from": {"id": 6, "is_bot": False, "first_name": "O"}}}
    assert screen.screen(other) is other  # another user's bucket is full
    assert [screen.verdicts[i] for i in range(1, 6)] == [Verdict.ADMIT, Verdict.ADMIT, Verdict.WARN,
                                                         Verdict.DROP, Verdict.ADMIT]
    assert screen.counters["flood.unparsed"] == 1


async def test_the_request_screens_a_getupdates_answer_and_nothing_else():
    screen = UpdateScreen(frozen_bucket(1))
    request = ScreeningRequest(screen)
    updates = [{"update_id": i, "inline_query": {"id": str(i), "query": "x", "offset": "",
                                                 "from": {"id": 9, "is_bot": False, "first_name": "F"}}}
               for i in (10, 11, 12)]
    data = request.parse_json_payload(json.dumps({"ok": True, "result": updates}).encode())
    assert [u for u in data["result"] if len(u) == 1] == [{"update_id": 12}]
    assert request.parse_json_payload(b'{"ok": true, "result": true}') == {"ok": True, "result": True}
    assert request.parse_json_payload(b'{"ok": false, "error_code": 409, "description": "x"}')["ok"] is False
    await request.shutdown()


async def _processed(processor: FairUpdateProcessor, update: Update) -> bool:
    ran = []

    async def handle() -> None:
        ran.append(update.update_id)

    await processor.do_process_update(update, handle())
    return bool(ran)


def _channel_post(update_id: int) -> dict:
    return {"update_id": update_id, "channel_post": {"message_id": update_id, "date": 0, "text": "t",
                                                     "chat": {"id": -100555, "type": "channel"}}}


async def test_a_screened_update_is_not_charged_twice():
    bucket = frozen_bucket(1)
    processor = FairUpdateProcessor(4, bucket, screen=UpdateScreen(bucket))
    raw = processor.screen.screen(_channel_post(1))
    assert await _processed(processor, Update.de_json(raw, None))  # burst 1: a second ask would refuse it
    stub = processor.screen.screen(_channel_post(2))  # refused (warned: kept whole, not run)
    assert not await _processed(processor, Update.de_json(stub, None))
    stub = processor.screen.screen(_channel_post(3))
    assert stub == {"update_id": 3}
    assert not await _processed(processor, Update.de_json(stub, None))
    assert processor.counters["flood.warn"] == 1 and processor.counters["flood.drop"] == 1
    assert not processor.screen.verdicts  # each verdict taken once


async def test_an_unscreened_webhook_update_still_meets_the_bucket():
    processor = FairUpdateProcessor(4, frozen_bucket(1))
    results = [await _processed(processor, Update.de_json(_channel_post(i), None)) for i in (1, 2, 3)]
    assert results == [True, False, False]
    assert processor.counters["flood.warn"] == 1 and processor.counters["flood.drop"] == 1


async def test_a_batch_keeps_only_its_last_refused_update_for_the_offset():
    screen = UpdateScreen(frozen_bucket(1))

    def inline(i: int, user: int) -> dict:
        return {"update_id": i, "inline_query": {"id": str(i), "query": "x", "offset": "",
                                                 "from": {"id": user, "is_bot": False, "first_name": "F"}}}

    batch = [inline(1, 9), inline(2, 9), inline(3, 9), inline(4, 8), inline(5, 9), inline(6, 9)]
    out = screen.screen_batch(batch)
    # 1 admitted, 2 warned (kept whole), 3 and 5 dropped and left out, 4 another user's, 6 dropped but last
    assert [u["update_id"] for u in out] == [1, 2, 4, 6]
    assert out[-1] == {"update_id": 6}
    assert screen.counters["flood.drop"] == 2 and screen.counters["flood.unparsed"] == 3
    assert set(screen.verdicts) == {1, 2, 4, 6}  # the left-out ones leave no verdict behind
