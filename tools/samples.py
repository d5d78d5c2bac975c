"""Writes the SAMPLE corpus shipped in bot/data/samples/ (dev-only: needs the generator and reportlab).

Run `make samples-files` (python -m tools.samples) after a generator change; tests check the shipped
files are current.

Why generated, not real: the project must not ship other people's documents, and the demo needs a
known, varied corpus (every format, every container, an ambiguous short name "城关区" to show
disambiguation). Every file name starts with SAMPLE_ and data/samples/README.txt says what they are.
The region (青川省 › 临江市/白石市) is invented.
"""

from __future__ import annotations

import random
from pathlib import Path

from tools.generator import CONTAINER_NOISE, ISSUE13_NOISE, NOISE_KINDS, GenAgency, generate_report, render

SAMPLE_FOLDER = Path(__file__).resolve().parents[1] / "bot" / "data" / "samples"
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

Every file name starts with SAMPLE_. They are loaded only on request (`make demo`, or
`disclosure-bot samples` on an empty store), and every answer drawn from them says it is sample data.
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
            # nor the issue-13 kinds: the shipped sample corpus stays as it was generated before they existed
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




def main() -> int:
    paths = write_samples()
    print(f"wrote {len(paths)} SAMPLE files to {SAMPLE_FOLDER}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
