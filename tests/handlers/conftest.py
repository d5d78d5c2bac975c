"""Fixtures for the handler tests (one test module per handlers/ module): the Bot API stand-in."""

from tests.bot.conftest import api  # noqa: F401 - re-exported fixture
