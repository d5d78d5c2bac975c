"""A local Telegram Bot API stand-in for tests and benches (see standin.py)."""

from tests.botapi.standin import BotApiStandin, Call, StandinClient

__all__ = ["BotApiStandin", "Call", "StandinClient"]
