"""Fixtures for the hostile-input suite: the generated corpus pieces, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from service.ingest import ingest_paths
from storage.db import create_all, get_engine
from storage.models import Agency, IndicatorValue, Report
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


def content(engine) -> set[tuple]:
    with Session(engine) as s:
        rows = s.execute(
            select(Agency.name, Report.year, IndicatorValue.indicator, IndicatorValue.value)
            .join(Report, Report.agency_id == Agency.id)
            .join(IndicatorValue, IndicatorValue.report_id == Report.id)
        ).all()
    return {tuple(r) for r in rows}


@pytest.fixture(scope="session")
def samples(workdir) -> Path:
    corpus.text_reports(workdir)  # writes the sample corpus
    return workdir / "samples"


@pytest.fixture(scope="session")
def reference(samples, tmp_path_factory) -> set[tuple]:
    eng = get_engine(f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}")
    create_all(eng)
    ingest_paths(eng, [samples], progress=False)
    return content(eng)
