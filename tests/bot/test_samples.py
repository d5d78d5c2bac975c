"""The SAMPLE corpus `make run` loads: generated, plainly marked, loaded only into an empty store."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.samples import SAMPLE_AGENCIES, ensure_samples, sample_plan, store_is_empty, write_samples


def test_sample_files_are_marked_and_deterministic(tmp_path):
    paths = write_samples(tmp_path / "a")
    again = write_samples(tmp_path / "b")
    assert 30 <= len(paths) <= 60
    assert all(p.name.startswith("SAMPLE_") for p in paths)
    assert [p.read_bytes() for p in paths if p.suffix != ".docx"] == [
        p.read_bytes() for p in again if p.suffix != ".docx"
    ]
    readme = (tmp_path / "a" / "README.txt").read_text(encoding="utf-8")
    assert "GENERATED SAMPLES" in readme and "not real" in readme
    assert {p.suffix for p in paths} >= {".txt", ".html", ".docx", ".pdf"}
    assert {t for _, _, t, _, _, _ in sample_plan()} == {"2008", "2019", "2021", "narrative"}


def test_an_ambiguous_short_name_is_in_the_sample():
    counties = [a.region_path[2] for a in SAMPLE_AGENCIES if len(a.region_path) > 2]
    assert any(counties.count(c) > 1 and c for c in counties)


@pytest.mark.pg
def test_ensure_samples_loads_an_empty_store_once(engine, tmp_path):
    from storage.models import Agency, Report

    assert store_is_empty(engine)
    summary = ensure_samples(engine, tmp_path / "samples")
    assert summary is not None
    counts = summary.counts()
    assert counts["rejected"] == 0, summary.render()
    assert counts["stored"] == len(sample_plan())
    with Session(engine) as s:
        names = set(s.exec(select(Agency.name)).all())
        n_reports = len(s.exec(select(Report.id)).all())
    assert {a.name for a in SAMPLE_AGENCIES} <= names
    assert n_reports == len(sample_plan())
    assert counts["findings"] >= 2  # the two deliberately inconsistent samples
    assert ensure_samples(engine, tmp_path / "samples") is None  # not empty any more: untouched
