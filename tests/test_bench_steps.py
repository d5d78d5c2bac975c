"""bench/run_all.py's steps: figures from a bench's stdout, benches not written yet, the pytest steps (fuzz,
slow tests) including no test collected and a timeout, and the busy-machine warning."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run_all(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run_all as module

        monkeypatch.setattr(module, "OUT_DIR", tmp_path / "out")
        yield module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_json_from_stdout_takes_the_last_object_after_progress_lines(run_all):
    assert run_all.json_from_stdout('{"a": 1}') == {"a": 1}
    assert run_all.json_from_stdout('building 1000…\n{"n1000": {"ask_p50_ms": 5.4},\n "ok": true}\n') == {
        "n1000": {"ask_p50_ms": 5.4},
        "ok": True,
    }
    assert run_all.json_from_stdout("no json here\n{broken") is None
    assert run_all.json_from_stdout("") is None


def test_discover_skips_helper_modules_and_lists_expected_benches(run_all, tmp_path, monkeypatch):
    (tmp_path / "parse.py").write_text('if __name__ == "__main__":\n    pass\n')
    (tmp_path / "scale_data.py").write_text("ROWS = 1\n")  # imported by a bench, not one itself
    monkeypatch.setattr(run_all, "BENCH_DIR", tmp_path)
    names = [p.stem for p in run_all.discover(None)]
    assert names == ["parse", "scale"]  # scale: expected, not written yet
    run = run_all.run_one(tmp_path / "scale.py", quick=True, timeout=10, env={})
    assert run.status.startswith("skipped") and "not there yet" in run.note and run.load is not None
    assert [p.stem for p in run_all.discover(["fuzz", "parse"])] == ["parse"]
    with pytest.raises(SystemExit):
        run_all.discover(["nosuch"])


def _fake_pytest(monkeypatch, run_all, output: str, code: int | None):
    seen = {}

    def fake(cmd, env, log, timeout, stdout=None):
        seen["cmd"], seen["env"] = cmd, env
        log.write(output)
        return code

    monkeypatch.setattr(run_all, "_run_group", fake)
    return seen


def test_fuzz_step_counts_and_full_profile(run_all, monkeypatch):
    seen = _fake_pytest(
        monkeypatch,
        run_all,
        "collected 1192 items / 1156 deselected / 36 selected\n"
        "tests/reports/test_fuzz.py::test_a PASSED [ 50%]\n"
        "tests/reports/test_fuzz.py::test_b FAILED [100%]\n"
        "FAILED tests/reports/test_fuzz.py::test_b - AssertionError\n"
        "1 failed, 35 passed, 1156 deselected in 300.1s\n",
        1,
    )
    run = run_all.run_pytest_step("fuzz", "fuzz", {"TEST_DATABASE_URL": "x"}, 600, "full", need_tests=True)
    assert seen["env"]["HYPOTHESIS_PROFILE"] == "full" and "TEST_DATABASE_URL" not in seen["env"]
    assert seen["cmd"][seen["cmd"].index("-m", 2) + 1] == "fuzz"
    assert run.status == "exit 1"
    assert run.metrics["fuzz.passed"]["value"] == 35 and run.metrics["fuzz.failed"]["value"] == 1
    assert run.metrics["fuzz.collected"]["value"] == 36
    assert "tests/reports/test_fuzz.py::test_b" in run.note


def test_no_test_marked_fuzz_is_a_recorded_failure_not_a_crash(run_all, monkeypatch):
    _fake_pytest(monkeypatch, run_all, "collected 1192 items / 1192 deselected / 0 selected\n", 5)
    run = run_all.run_pytest_step("fuzz", "fuzz", {}, 600, "full", need_tests=True)
    assert run.status != "ok" and "no test is marked fuzz" in run.note
    collected = run.metrics["fuzz.collected"]
    assert collected["value"] == 0 and run_all.met(collected["value"], collected["target"]) is False
    # the slow-test step with nothing to run is fine
    slow = run_all.run_pytest_step("tests", "slow and not fuzz", {}, 600, "full", need_tests=False)
    assert slow.status == "ok" and "tests.slow.collected" not in slow.metrics


def test_a_timed_out_step_reports_what_it_had_done(run_all, monkeypatch):
    _fake_pytest(
        monkeypatch,
        run_all,
        "collected 1192 items / 1156 deselected / 36 selected\n"
        "tests/q/test_fuzz_question.py::test_x PASSED [  2%]\n"
        "tests/q/test_fuzz_question.py::test_y FAILED [  5%]\n"
        "tests/q/test_fuzz_question.py::test_z PASSED [  8%]\n",
        None,
    )
    run = run_all.run_pytest_step("fuzz", "fuzz", {}, 240, "full", need_tests=True)
    assert run.status.startswith("timeout")
    assert run.metrics["fuzz.passed"]["value"] == 2 and run.metrics["fuzz.failed"]["value"] == 1
    assert "3 of 36 tests done" in run.note and "test_y" in run.note


def test_busy_machine_warning_in_results_md(run_all):
    quiet, busy = run_all.BenchRun("parse"), run_all.BenchRun("bot")
    quiet.seconds = busy.seconds = 10.0
    quiet.load, busy.load = (0.4, 0.5, 0.6), (4.98, 3.0, 2.0)
    md = run_all.render_md({}, [quiet, busy], "full", 20.0, "now", "here")
    assert "Busy machine" in md and "bot (5.0)" in md and "parse (" not in md
    assert "| bot | not run | 10.0 | 4.98 |" in md
    assert "Busy machine" not in run_all.render_md({}, [quiet], "full", 20.0, "now", "here")
