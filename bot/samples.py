"""Load the shipped SAMPLE corpus (bot/data/samples/) or the starter dataset into an empty store.

Why two: a fresh store gets the STARTER dataset (figures of real public reports, bot/data/starter.jsonl)
so the first question has a real answer; the SAMPLE corpus (generated, fictional bodies of an invented
region 青川省, every file named SAMPLE_) is a demo loaded only on request (`make demo`), and reports
from it are tagged source_kind=sample so every answer drawn from them says so. The files are generated
in dev by tools/samples.py; nothing here needs the generator at run time.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from service.audit import IngestScoring
from service.ingest import ingest_paths
from storage.migrate import ensure_schema
from storage.provenance import load_starter, mark_source
from storage.queries import store_is_empty

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_FOLDER = DATA / "samples"
STARTER_FILE = DATA / "starter.jsonl"


def sample_files(folder: Path = SAMPLE_FOLDER) -> list[Path]:
    """The shipped SAMPLE report files, sorted."""
    return sorted(p for p in Path(folder).glob("SAMPLE_*") if p.is_file())


def ensure_samples(engine: Engine, folder: Path = SAMPLE_FOLDER, *, progress: bool = False) -> Any | None:
    """Load the SAMPLE corpus when the store has no reports; returns the IngestSummary, or None if
    the store already had reports (nothing is touched then)."""
    if not store_is_empty(engine):
        return None
    ensure_schema(engine)
    paths = sample_files(folder)
    if not paths:
        raise FileNotFoundError(f"no SAMPLE_ files in {folder}")

    log.info("loading %d generated SAMPLE reports from %s", len(paths), folder)
    scoring = IngestScoring(engine)
    summary = ingest_paths(engine, paths, progress=progress, on_text=scoring)
    scoring.rest(summary.results)
    mark_source(engine, [r.report_id for r in summary.results if r.outcome != "rejected"], "sample")
    return summary


def ensure_starter(engine: Engine, path: Path = STARTER_FILE) -> list[Any] | None:
    """Load the starter dataset when the store has no reports; None if it already had some."""
    if not store_is_empty(engine):
        return None
    ensure_schema(engine)
    # no audit scorecard: the audit reads the report's text, which the starter dataset does not ship
    log.info("loading the starter dataset %s", path)
    return load_starter(engine, path)
