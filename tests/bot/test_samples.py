"""The SAMPLE corpus (`make demo`): generated in dev, shipped as files, plainly marked, tagged in answers."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.samples import SAMPLE_FOLDER, ensure_samples, sample_files, store_is_empty
from tools.samples import SAMPLE_AGENCIES, sample_plan, write_samples


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
    summary = ensure_samples(engine)
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
    assert ensure_samples(engine) is None  # not empty any more: untouched
    with Session(engine) as s:
        assert set(s.exec(select(Report.source_kind)).all()) == {"sample"}


def test_shipped_sample_files_are_current(tmp_path):
    """bot/data/samples/ is what tools/samples.py writes today (`make samples-files` after a change)."""
    fresh = write_samples(tmp_path / "fresh")
    shipped = sample_files(SAMPLE_FOLDER)
    assert [p.name for p in shipped] == sorted(p.name for p in fresh)
    by_name = {p.name: p for p in fresh}
    stale = [p.name for p in shipped if p.suffix != ".docx" and p.read_bytes() != by_name[p.name].read_bytes()]
    assert stale == [], f"run `make samples-files`: {stale}"
    assert (SAMPLE_FOLDER / "README.txt").read_text(encoding="utf-8").startswith("These files are GENERATED SAMPLES")
