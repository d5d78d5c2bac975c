"""The starter dataset: current with ../shared, figures only (no report text), answers with sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.samples import STARTER_FILE
from storage.provenance import read_records

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _need_shared() -> None:
    if not (SHARED / "reports").is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared is missing on CI: the starter dataset cannot be checked")
        pytest.skip("../shared not present")


def test_committed_starter_file_is_current():
    _need_shared()
    from tools.starter import build

    assert STARTER_FILE.read_text(encoding="utf-8") == build(SHARED), "run `make starter` and commit"


def test_starter_holds_no_report_text():
    """No line of any shared report (beyond its title and short labels) appears in the shipped file."""
    _need_shared()
    shipped = STARTER_FILE.read_text(encoding="utf-8")
    records = read_records(STARTER_FILE)
    titles = {r["title"] for r in records}
    leaked = []
    for path in sorted((SHARED / "reports").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) >= 20 and line not in titles and line in shipped:
                leaked.append((path.name, line[:40]))
    assert leaked == []
    assert all("line_text" not in v for r in records for v in r["values"])


def test_starter_covers_every_shared_report_with_sources():
    _need_shared()
    records = read_records(STARTER_FILE)
    assert len(records) == len(list((SHARED / "reports").glob("*.txt")))
    for r in records:
        assert r["agency"] and r["year"] and r["title"] and r["values"]
        assert all(v["line"] > 0 and v["row"] for v in r["values"])
        assert r["url"] == "" or r["url"].startswith("http")  # SOURCES.md: "not known" → never invented


def test_fresh_store_answers_the_quickstart_question(tmp_path, capsys):
    """The fast variant of the quickstart: a fresh store, `starter`, then the README's question."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--database-url", url, "starter"]) == 0
    assert "起步数据" in capsys.readouterr().out
    assert main(["--database-url", url, "ask", "--json", "西夏区 2020 依申请数"]) == 0
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert answer["status"] == "ok"
    row = answer["answers"][0]
    assert row["agency"] == "银川市西夏区审批服务管理局" and row["year"] == 2020 and row["value"] == 1
    src = row["source"]
    assert src["source_kind"] == "starter" and src["line_no"] > 0 and "2020" in src["report_title"]
    assert src["line_text"] == ""  # figures only: the report's own words are not shipped
    assert "起步数据" in answer["text"]
    assert main(["--database-url", url, "starter"]) == 0  # second time: untouched
    assert "已有报告" in capsys.readouterr().out


def test_not_found_says_how_to_add_reports(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--database-url", url, "starter"]) == 0
    capsys.readouterr()
    main(["--database-url", url, "ask", "--json", "火星区 2020 依申请数"])
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert answer["status"] == "not_found"
    assert "ingest" in answer["text"] and "harvest" in answer["text"] and "发送报告文件" in answer["text"]


@pytest.mark.slow
def test_quickstart_in_a_temporary_clone(tmp_path):
    """`git clone` beside a ../shared link, then `echo 西夏区 2020 依申请数 | make run` (installs a venv)."""
    _need_shared()
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make needed")
    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    (tmp_path / "shared").symlink_to(SHARED)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TELEGRAM_BOT_TOKEN", "VIRTUAL_ENV"}}
    env["PYTHON"] = shutil.which("python3.11") or shutil.which("python3") or sys.executable  # not our .venv
    proc = subprocess.run(
        ["make", "run"], input="西夏区 2020 依申请数\n", capture_output=True, text=True, cwd=clone, env=env,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "：1 件" in proc.stdout and "西夏区审批服务管理局2020年政府信息公开工作年度报告" in proc.stdout
    assert "[3/3]" in proc.stderr  # install progress is shown
