"""Issue 13: `disclosure-bot findings` and `export --json --findings` list a report's findings, and the
cross-year / magnitude checks run at ingest against the same body's stored years (either order)."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from reports.checks_history import check_history, cross_year, magnitude, negative_counts
from tests.conftest import ROOT

FIX = ROOT / "tests" / "fixtures" / "issue13"
Y2019, Y2020 = FIX / "cell_states_2019.txt", FIX / "history_2020.txt"


def _run(capsys, *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    rc = main(list(argv))
    return rc, capsys.readouterr().out


@pytest.mark.parametrize("order", [(Y2019, Y2020), (Y2020, Y2019)], ids=["old-first", "new-first"])
def test_cross_year_and_magnitude_found_at_ingest(tmp_path, capsys, order):
    url = f"sqlite:///{tmp_path / 'f.db'}"
    for path in order:
        assert main(["--database-url", url, "ingest", "--no-progress", "-q", str(path)]) == 0
    rc, out = _run(capsys, "--database-url", url, "findings", "示例区交通运输局", "--json")
    assert rc == 0
    items = {d["year"]: d for d in map(json.loads, out.splitlines())}
    assert set(items) == {2019, 2020}
    later = items[2020] if order[0] == Y2019 else items[2019]  # the report stored second
    kinds = [f["kind"] for f in later["findings"]]
    assert kinds.count("cross_year") == 2  # 自然人 2 vs 1, 商业企业 0 vs 1; 总计 agrees
    # 855000 万元 against 85.5 万元 the other year: flagged on 2020's report in either order
    assert [f["kind"] for f in items[2020]["findings"]].count("magnitude") == 1
    assert "magnitude" not in [f["kind"] for f in items[2019]["findings"]]
    first = items[2019]
    assert [f["kind"] for f in first["findings"]].count("completeness") == 1
    assert first["cells"] == {"blank": 5, "mark": 1, "unreadable": 7, "missing": 7}


def test_findings_text_and_export(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'f.db'}"
    assert main(["--database-url", url, "ingest", "--no-progress", "-q", str(Y2019)]) == 0
    rc, out = _run(capsys, "--database-url", url, "findings", "临江市示例区交通运输局", "2019")
    assert rc == 0 and "[完整性]" in out and "7.属于行政执法案卷" in out and "[勾稽]" in out
    assert _run(capsys, "--database-url", url, "findings", "2018")[0] == 1  # no report that year
    rc, out = _run(capsys, "--database-url", url, "export", "--json", "--findings")
    lines = [json.loads(x) for x in out.splitlines()]
    assert rc == 0 and lines[-1]["type"] == "findings" and lines[-1]["agency"] == "临江市示例区交通运输局"
    assert all("type" not in x for x in lines[:-1])  # value lines keep their contract
    rc, out = _run(capsys, "--database-url", url, "export", "--json")
    assert all("type" not in json.loads(x) for x in out.splitlines())


def test_history_checks_are_pure_and_unit_aware():
    this = {"apply.carried_in.total": (3.0, "件"), "active.procurement.amount": (900000.0, "元")}
    prev = {"apply.carried_out.total": (3.0, "件"), "active.procurement.amount": (90.0, "万元")}
    assert cross_year(2020, this, prev, None) == []
    # 900000 元 = 90 万元: the same figure printed in another unit is not a magnitude problem
    assert magnitude(2020, this, {2019: prev}) == []
    big = {"active.procurement.amount": (900000.0, "万元")}
    assert [f.rule for f in magnitude(2020, big, {2019: prev})] == ["magnitude.active.procurement.amount"]
    signed = {"active.license.change": (-2.0, "项"), "apply.received.total": (-1.0, "件")}
    assert [f.rule for f in negative_counts(signed)] == ["negative.apply.received.total"]
    assert check_history(2020, {}, {}) == []
