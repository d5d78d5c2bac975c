"""Fixtures for the service tests: the Bot API stand-in of the bot tests."""

from tests.bot.conftest import api  # noqa: F401 - re-exported fixture
