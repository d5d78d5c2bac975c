"""Fixtures for the hostile-input suite: the generated corpus pieces, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import corpus


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="session")
def reports(workdir) -> list[tuple[bytes, str, int]]:
    """(bytes, agency, year) of the generated UTF-8 text samples."""
    return corpus.text_reports(workdir)


@pytest.fixture(scope="session")
def pair(workdir) -> list[tuple[bytes, str, int]]:
    return corpus.same_year_pair(workdir)


@pytest.fixture
def parser():
    """The stand-in parser of tests/storage (a line per value), for store-level cases."""
    from tests.storage.conftest import fake_parse

    return fake_parse
