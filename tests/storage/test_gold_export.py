"""Done-when of the reports issue: ingest every shared report, `export --json`, and every non-null gold cell
comes back (same agency, year, template, value) while every null cell stays absent.

Goes through the real command line (bot.cli.main) and the real parsers, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
import math
import os

import pytest

from bot.cli import main
from tests.conftest import SHARED_GOLD, require_shared

pytestmark = pytest.mark.pg


def _gold() -> list[dict]:
    reports = []
    for name in ("seeds.json", "extra.json"):
        path = SHARED_GOLD / name
        if not path.is_file():
            pytest.fail(f"missing gold file {path}")
        reports.extend(json.loads(path.read_text(encoding="utf-8"))["reports"])
    return reports


@pytest.fixture
def store_url(engine) -> str:
    """The `engine` fixture's database (SQLite file or the PG test database), emptied, as a URL."""
    return engine.url.render_as_string(hide_password=False)


def test_every_gold_cell_comes_back_and_null_cells_are_absent(store_url, capsys):
    reports_dir = require_shared()
    gold = _gold()
    rc = main(["--database-url", store_url, "ingest", "--no-progress", str(reports_dir)])
    out = capsys.readouterr()
    assert rc == 0, out.out + out.err
    assert main(["--database-url", store_url, "export", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows, "export printed nothing"
    by_file: dict[str, list[dict]] = {}
    for row in rows:
        assert {"agency", "year", "template", "indicator", "value", "unit", "report", "line"} <= set(row)
        by_file.setdefault(row["report"], []).append(row)

    problems: list[str] = []
    for g in gold:
        got = by_file.get(g["file"], [])
        if not got:
            problems.append(f"{g['file']}: nothing exported")
            continue
        ident = {(r["agency"], r["year"], r["template"]) for r in got}
        if ident != {(g["agency"], g["year"], g["template"])}:
            problems.append(
                f"{g['file']}: identity {sorted(ident)} != {(g['agency'], g['year'], g['template'])}"
            )
        values = {r["indicator"]: r["value"] for r in got}
        for key, want in g["values"].items():
            if want is None:
                if key in values:
                    problems.append(f"{g['file']}: {key} should be absent (blank cell), got {values[key]}")
            elif key not in values:
                problems.append(f"{g['file']}: {key} missing (gold {want})")
            elif not math.isclose(float(values[key]), float(want), abs_tol=1e-9):
                problems.append(f"{g['file']}: {key} = {values[key]}, gold {want}")
    limit = int(os.environ.get("GOLD_SHOW", "60"))
    assert not problems, f"{len(problems)} gold mismatches:\n" + "\n".join(problems[:limit])


def test_ingesting_the_shared_reports_twice_changes_nothing(store_url, capsys):
    reports_dir = require_shared()
    assert main(["--database-url", store_url, "ingest", "--no-progress", str(reports_dir)]) == 0
    capsys.readouterr()
    main(["--database-url", store_url, "export", "--json"])
    first = capsys.readouterr().out
    assert main(["--database-url", store_url, "ingest", "--no-progress", "--json", str(reports_dir)]) == 0
    outcomes = [json.loads(x)["outcome"] for x in capsys.readouterr().out.splitlines()]
    assert outcomes and set(outcomes) == {"unchanged"}
    main(["--database-url", store_url, "export", "--json"])
    assert capsys.readouterr().out == first
    # Re-parsing the same bytes with the same parser finds the same numbers: nothing is rewritten.
    argv = ["--database-url", store_url, "ingest", "--no-progress", "--json", "--reparse", str(reports_dir)]
    assert main(argv) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {r["outcome"] for r in rows} == {"unchanged"} and all("re-parsed" in r["reason"] for r in rows)
