"""What a failed Bot API call proves: not taken (safe to retry), in doubt (may have been delivered: never
resend) or refused (resending cannot help).

Pure policy shared by the interactive front end (handlers/delivery.py) and the reminder sender
(reminders/sender.py), which may not import handlers; the full rationale is in handlers/delivery.py.
"""

from __future__ import annotations

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

NOT_TAKEN = "not_taken"
IN_DOUBT = "in_doubt"
REFUSED = "refused"

IDEMPOTENT = frozenset({"sendChatAction", "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook"})
_NOT_SENT_CAUSES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError,
                    httpx.WriteTimeout, httpx.UnsupportedProtocol)


class DeliveryInDoubt(TimedOut):
    """The request reached Telegram but no answer came back: it may have been delivered. Not resent."""

    __slots__ = ("endpoint", "error_id")

    def __init__(self, endpoint: str, error_id: str, cause: BaseException) -> None:
        super().__init__(f"{endpoint} in doubt (error id {error_id}): {type(cause).__name__}: {cause}")
        self.endpoint = endpoint
        self.error_id = error_id


def classify(err: BaseException) -> str:
    """NOT_TAKEN, IN_DOUBT or REFUSED for an error raised by a Bot API call (see module docstring)."""
    if isinstance(err, RetryAfter):
        return NOT_TAKEN
    if isinstance(err, DeliveryInDoubt):
        return IN_DOUBT
    if not isinstance(err, NetworkError) or isinstance(err, BadRequest):
        return REFUSED  # BadRequest, Forbidden, InvalidToken, Conflict, ChatMigrated, ...
    cause = err.__cause__
    if isinstance(cause, _NOT_SENT_CAUSES):
        return NOT_TAKEN
    if isinstance(err, TimedOut) or isinstance(cause, (httpx.HTTPError, OSError)):
        return IN_DOUBT  # read timeout, reset or disconnect while waiting for the answer
    if cause is None or isinstance(cause, TelegramError):
        # PTB raises a plain NetworkError for an error *status* (500, 502, ...; the TelegramError cause
        # is a body that was not JSON): Telegram answered, so it did not deliver.
        return NOT_TAKEN
    return IN_DOUBT  # "Unknown error in HTTP implementation": we cannot tell
