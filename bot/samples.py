"""The SAMPLE corpus `make run` loads into an empty store, so a fresh clone has something to ask about.

Why generated, not real: the project must not ship other people's documents, and the demo needs a
known, varied corpus (every format, every container, an ambiguous short name "城关区" to show
disambiguation). Every file name starts with SAMPLE_ and data/samples/README.txt says what they are.
The region (青川省 › 临江市/白石市) is invented.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tools.generator import CONTAINER_NOISE, ISSUE13_NOISE, NOISE_KINDS, GenAgency, generate_report, render

log = logging.getLogger(__name__)

SAMPLE_FOLDER = Path("data/samples")
SAMPLE_SEED = 20240601
_PROVINCE = "青川省"

# Two different bodies are both "城关区" (临江市城关区, 白石市城关区): asking about "城关区" must ask back.
SAMPLE_AGENCIES: tuple[GenAgency, ...] = (
    GenAgency("临江市人民政府", "people_gov", (_PROVINCE, "临江市")),
    GenAgency("临江市城关区人民政府", "people_gov", (_PROVINCE, "临江市", "城关区")),
    GenAgency("白石市城关区人民政府", "people_gov", (_PROVINCE, "白石市", "城关区")),
    GenAgency("临江市河西区审批服务管理局", "department", (_PROVINCE, "临江市", "河西区")),
    GenAgency("临江市教育局", "department", (_PROVINCE, "临江市")),
    GenAgency("白石市清水县公安局", "department", (_PROVINCE, "白石市", "清水县")),
    GenAgency("临江市河西区新华街道办事处", "township", (_PROVINCE, "临江市", "河西区", "新华街道")),
    GenAgency("白石市经济技术开发区管理委员会", "devzone", (_PROVINCE, "白石市")),
)
SAMPLE_YEARS = tuple(range(2017, 2024))
# Reports printed with one total that does not add up (as real ones sometimes are), so the demo can
# show a 勾稽关系 finding next to an answer.
INCONSISTENT = {("临江市人民政府", 2023), ("临江市城关区人民政府", 2018)}
_FORMATS = ("txt", "txt", "gbk", "html", "docx", "pdf")

README = """These files are GENERATED SAMPLES, not real reports.

They were written by tools/generator.py (bot/samples.py, seed {seed}) so that a fresh clone of the
project has a small corpus to ask questions about. The agencies, the region 青川省 and every number are
invented; any resemblance to a real body is accidental. Do not cite them. Two of them
(临江市人民政府 2023, 临江市城关区人民政府 2018) deliberately print a total that does not add up, so
the bot's arithmetic checks (勾稽关系) have something to show.

Every file name starts with SAMPLE_. Delete data/ (or point DATABASE_URL at another store) to start
from an empty store; ingest real reports with `disclosure-bot ingest PATH...`.
"""


def _template(year: int, rng: random.Random) -> str:
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    return "narrative" if rng.random() < 0.25 else "2008"


def sample_plan(seed: int = SAMPLE_SEED) -> list[tuple[GenAgency, int, str, str, frozenset[str], int]]:
    """(agency, year, template, format, noise, report seed) for each sample; ~40 reports."""
    rng = random.Random(f"samples:{seed}")
    plan = []
    for i, agency in enumerate(SAMPLE_AGENCIES):
        years = list(SAMPLE_YEARS)
        if i >= 4:  # smaller bodies publish fewer reports in the sample
            years = sorted(rng.sample(years, k=4))
        for year in years:
            template = _template(year, rng)
            fmt = rng.choice(_FORMATS)
            # no title variants: the demo's agency names must come out exactly as listed above
            # nor the issue-13 kinds: the sample corpus stays as it was generated before they existed
            kinds = sorted(CONTAINER_NOISE[fmt] & frozenset(NOISE_KINDS) - {"title_variants"} - ISSUE13_NOISE)
            noise = frozenset(rng.sample(kinds, k=rng.randint(0, 3)))
            plan.append((agency, year, template, fmt, noise, rng.randrange(1 << 30)))
    return plan


def write_samples(folder: Path = SAMPLE_FOLDER, seed: int = SAMPLE_SEED) -> list[Path]:
    """Generate the sample files (deterministic) and the README; returns the report paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.txt").write_text(README.format(seed=seed), encoding="utf-8")
    paths: list[Path] = []
    for agency, year, template, fmt, noise, rseed in sample_plan(seed):
        rep = generate_report(
            rseed, template, agency, year, noise=noise, inconsistent=(agency.name, year) in INCONSISTENT
        )
        data, suffix = render(rep, fmt)
        tag = "_gbk" if fmt == "gbk" else ""
        path = folder / f"SAMPLE_{agency.name}_{year}{tag}{suffix}"
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def store_is_empty(engine: Engine) -> bool:
    """True when the store holds no report (a missing schema counts as empty)."""
    from storage.models import Report

    if not inspect(engine).has_table(Report.__tablename__):
        return True
    with Session(engine) as s:
        return (s.exec(select(func.count()).select_from(Report)).one() or 0) == 0


def _ensure_schema(engine: Engine) -> None:
    try:
        from storage.migrate import ensure_schema
    except ImportError:  # pragma: no cover - before the migrations module exists
        from storage.db import create_all

        create_all(engine)
        return
    ensure_schema(engine)


def ensure_samples(engine: Engine, folder: Path = SAMPLE_FOLDER, *, progress: bool = False) -> Any | None:
    """Load the SAMPLE corpus when the store has no reports; returns the IngestSummary, or None if
    the store already had reports (nothing is touched then)."""
    if not store_is_empty(engine):
        return None
    _ensure_schema(engine)
    paths = write_samples(Path(folder))
    from storage.ingest import ingest_paths  # lazy: storage.ingest depends on the parsers

    log.info("loading %d generated SAMPLE reports from %s", len(paths), folder)
    from service.audit import score_results

    summary = ingest_paths(engine, paths, progress=progress)
    score_results(engine, summary.results)
    return summary
