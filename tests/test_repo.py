"""The repository's own promises: Makefile targets, CI script, deploy files, README and settings docs agree.

Why: these files are read by people and machines that never run the Python code (a newcomer's first two
commands, CI, Docker, systemd); a setting added to bot/settings.py but not documented, or a package that
the Dockerfile forgets to copy, only shows up on someone else's machine. These checks catch it here.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"
CI_RUN = ROOT / ".ci" / "run"
DEPLOY = ROOT / "deploy"
README = ROOT / "README.md"


def _nested() -> dict[str, type]:
    """Settings fields that are models of their own (reminder → REMINDER_*, harvest → HARVEST_*)."""
    return {name: f.annotation for name, f in Settings.model_fields.items()
            if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)}


def _settings_classes() -> list[tuple[type, str]]:
    """Every settings model the bot reads (all through the one Settings), with its environment prefix."""
    return [(Settings, "")] + [(cls, f"{name}_") for name, cls in _nested().items()]


def _all_env_names() -> list[tuple[type, str, str]]:
    """(class, field, ENV_NAME) for every setting."""
    nested = _nested()
    return [(cls, f, (prefix + f).upper()) for cls, prefix in _settings_classes() for f in cls.model_fields
            if not (cls is Settings and f in nested)]


def _read(path: Path) -> str:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    return path.read_text(encoding="utf-8")


def _section(markdown: str, heading: str) -> str:
    """The text under a `## heading` (up to the next heading of the same or higher level)."""
    m = re.search(rf"^(#+)\s*{re.escape(heading)}\b.*$", markdown, re.MULTILINE | re.IGNORECASE)
    assert m, f"README has no '{heading}' section"
    level = len(m.group(1))
    rest = markdown[m.end() :]
    nxt = re.search(rf"^#{{1,{level}}}\s", rest, re.MULTILINE)
    return rest[: nxt.start()] if nxt else rest


def _code_lines(markdown: str) -> list[str]:
    blocks = re.findall(r"```[^\n]*\n(.*?)```", markdown, re.DOTALL)
    return [
        ln.strip() for b in blocks for ln in b.splitlines() if ln.strip() and not ln.strip().startswith("#")
    ]


# --------------------------------------------------------------------------- Makefile and CI


def test_makefile_has_the_targets():
    targets = set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", _read(MAKEFILE), re.MULTILINE))
    for name in ("run", "test", "test-pg", "lint", "bench", "migrate", "clean"):
        assert name in targets, f"Makefile has no `{name}` target"


def test_makefile_builds_the_venv_once_from_the_pins():
    text = _read(MAKEFILE)
    m = re.search(r"^\$\(STAMP\)\s*:\s*(.*)$", text, re.MULTILINE)
    assert m and "pyproject.toml" in m.group(1) and "constraints.txt" in m.group(1)
    assert re.search(r"pip install .*-c constraints\.txt.*-e \"?\.\[dev\]", text)
    assert (ROOT / "constraints.txt").is_file()


def test_make_dry_run_parses():
    """`make -n` on every target: the Makefile is syntactically sound (nothing is executed)."""
    for target in ("run", "test", "test-pg", "lint", "bench", "migrate", "clean"):
        out = subprocess.run(
            ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, timeout=30
        )
        assert out.returncode == 0, out.stderr


def test_ci_run_is_strict():
    text = _read(CI_RUN)
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable"
    assert CI_RUN.stat().st_mode & stat.S_IXUSR
    assert text.startswith("#!/usr/bin/env bash")
    assert re.search(r"^set -euo pipefail$", text, re.MULTILINE)
    assert re.search(r"-eq 5", text), "pytest exit code 5 must be handled as a failure"
    assert "-m pg" in text and "ruff check" in text and "make" in text
    for suite in ("tests/storage", "tests/bot", "tests/reminders"):
        assert suite in text
    subprocess.run(["bash", "-n", str(CI_RUN)], check=True)


# --------------------------------------------------------------------------- compose


def _compose() -> dict:
    """compose.yaml parsed with PyYAML when installed, else a key-structure reading good enough here."""
    text = _read(DEPLOY / "compose.yaml")
    try:
        import yaml
    except ImportError:
        return _key_tree(text)
    return yaml.safe_load(text)


def _key_tree(text: str) -> dict:
    """Nested dict of mapping keys by indentation (values kept as raw strings); no anchors or flow style."""
    root: dict = {}
    stack: list[tuple[int, dict]] = [(-1, root)]
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#") or raw.lstrip().startswith("- "):
            continue
        indent = len(raw) - len(raw.lstrip())
        m = re.match(r"\s*([\w.-]+):\s*(.*)$", raw)
        if not m:
            continue
        while stack[-1][0] >= indent:
            stack.pop()
        key, value = m.group(1), m.group(2).split(" #")[0].strip()
        node: dict | str = {} if value in ("", "|", ">") or value.startswith("&") else value
        stack[-1][1][key] = node
        if isinstance(node, dict):
            stack.append((indent, node))
    return root


def test_compose_has_bot_and_postgres_with_healthchecks():
    data = _compose()
    services = data["services"]
    assert {"bot", "postgres"} <= set(services)
    for name in ("bot", "postgres"):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"
        assert "test" in services[name]["healthcheck"]
    assert str(services["postgres"]["image"]).startswith("postgres:15")
    assert "pgdata" in data["volumes"]
    assert "depends_on" in services["bot"]


def test_compose_environment_defaults_match_settings():
    """Each ${VAR:-default} in compose.yaml is the bot's own default, and every setting is passed."""
    text = _read(DEPLOY / "compose.yaml")
    pairs = dict(re.findall(r"^\s+([A-Z_]+): \$\{\1:-([^}]*)\}\s*$", text, re.MULTILINE))
    missing = [env for _, _, env in _all_env_names() if env not in pairs and env != "DATABASE_URL"]
    assert not missing, f"compose.yaml does not pass {missing}"
    assert re.search(r"^\s+DATABASE_URL: postgresql\+psycopg://", text, re.MULTILINE)
    for cls, field, env in _all_env_names():
        if env in pairs:
            default = cls(_env_file=None)
            assert cls(_env_file=None, **{field: pairs[env]}) == default, f"{env} default differs in compose"


# --------------------------------------------------------------------------- docs


def test_readme_quickstart_is_two_commands():
    commands = _code_lines(_section(_read(README), "Quickstart"))
    assert commands == ["make run", "make test"], commands


def test_every_setting_is_documented():
    readme = _read(README)
    env_example = _read(DEPLOY / ".env.example")
    example_keys = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", env_example, re.MULTILINE))
    names = [env for _, _, env in _all_env_names()]
    assert "TELEGRAM_BOT_TOKEN" in names and "DATABASE_URL" in names
    for name in names:
        assert re.search(rf"\|\s*`?{name}`?\s*\|", readme), f"README settings table lacks {name}"
        assert name in example_keys, f"deploy/.env.example lacks {name}"


def test_env_example_values_are_the_defaults():
    """Copying .env.example unchanged must not change behaviour (empty secrets stay empty)."""
    by_env = {env: (cls, field) for cls, field, env in _all_env_names()}
    seen = 0
    for line in _read(DEPLOY / ".env.example").splitlines():
        m = re.match(r"^([A-Z][A-Z0-9_]+)=(.*)$", line)
        if m and m.group(1) in by_env:
            cls, field = by_env[m.group(1)]
            assert cls(_env_file=None, **{field: m.group(2)}) == cls(_env_file=None), (
                f"{line} is not the default"
            )
            seen += 1
    assert seen >= len(by_env) - 1  # all but DATABASE_URL (commented: its default is "unset")


def test_readme_documents_the_cli():
    from bot.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    readme = _read(README)
    for command in sub.choices:
        assert f"disclosure-bot {command}" in readme, f"README does not show `disclosure-bot {command}`"


def test_readme_has_the_sections():
    readme = _read(README)
    for heading in (
        "Quickstart",
        "Settings",
        "Command line",
        "Ingesting reports",
        "Deploy",
        "PostgreSQL",
        "Benchmarks",
        "Layout",
    ):
        _section(readme, heading)


# --------------------------------------------------------------------------- Dockerfile (lint in tests)


def test_dockerfile_rules():
    """A small hadolint stand-in for what matters here (hadolint itself: see deploy/README.md)."""
    text = _read(DEPLOY / "Dockerfile")
    instructions = [
        ln.split(None, 1)
        for ln in re.sub(r"\\\n", " ", text).splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    ops = [op.upper() for op, *_ in instructions]
    assert instructions[0][0].upper() == "FROM" and instructions[0][1].strip() == "python:3.11-slim"
    users = [rest.strip() for op, rest in instructions if op.upper() == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "must run as a non-root user"
    assert "HEALTHCHECK" in ops and "CMD" in ops
    assert "fonts-noto-cjk" in text, "charts need a CJK font"
    assert re.search(r"pip install [^\n]*-c constraints\.txt", text)
    assert "rm -rf /var/lib/apt/lists" in text and "--no-install-recommends" in text
    assert not any(op == "ADD" for op in ops), "use COPY"
    copied = set()
    for op, rest in instructions:
        if op.upper() == "COPY":
            for src in rest.split()[:-1]:
                if not src.startswith("--"):
                    assert (ROOT / src).exists(), f"COPY source {src} does not exist"
                    copied.add(src.rstrip("/"))
    # every package pyproject installs must be in the image
    pyproject = _read(ROOT / "pyproject.toml")
    include = re.search(r"include\s*=\s*\[([^\]]*)\]", pyproject).group(1)
    for pkg in re.findall(r'"(\w+)\*?"', include):
        assert pkg in copied, f"Dockerfile does not COPY package {pkg}"


def test_shell_scripts_are_strict_and_parse():
    for script in (DEPLOY / "backup.sh", DEPLOY / "restore.sh"):
        text = _read(script)
        assert os.access(script, os.X_OK), f"{script.name} must be executable"
        assert re.search(r"^set -euo pipefail$", text, re.MULTILINE)
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    (tmp_path / "data").mkdir()
    db = tmp_path / "data" / "disclosure.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run(
        [str(DEPLOY / "backup.sh"), "backups"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    backup = tmp_path / out.stdout.strip().splitlines()[-1]
    assert backup.is_file()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM t")
    refused = subprocess.run(
        [str(DEPLOY / "restore.sh"), str(backup)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2, "restore must ask for --yes"
    done = subprocess.run(
        [str(DEPLOY / "restore.sh"), "--yes", str(backup)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthcheck_script(tmp_path):
    script = str(DEPLOY / "healthcheck.py")
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}")
    env.pop("WEBHOOK_URL", None)
    ok = subprocess.run([sys.executable, script], env=env, capture_output=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    env.update(WEBHOOK_URL="https://example.org/telegram", PORT=str(_free_port()))  # nothing listens there
    down = subprocess.run([sys.executable, script], env=env, capture_output=True, timeout=60)
    assert down.returncode == 1


# --------------------------------------------------------------------------- bench/run_all.py


@pytest.fixture
def run_all():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run_all as module

        yield module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_run_all_targets_and_units(run_all):
    assert run_all.met(4.2, "<= 5") is True
    assert run_all.met(5.1, "<= 5") is False
    assert run_all.met(27.5, ">= 27") is True
    assert run_all.met(1, "== 0") is False
    assert run_all.met(float("nan"), "<= 5") is False
    assert run_all.met(3, None) is None
    flat = run_all.normalise(
        "bot", {"lost_messages": 0, "latency_p99_ms": 80.5, "store": "sqlite", "sizes": {"peak_rss_mb": 120}}
    )
    assert flat["bot.lost_messages"]["target"] == "== 0"
    assert flat["bot.latency_p99_ms"]["unit"] == "ms"
    assert flat["bot.sizes.peak_rss_mb"]["unit"] == "MB"
    assert "bot.store" not in flat
    declared = run_all.normalise(
        "answer", {"metrics": {"ask_p50_ms": {"value": 3, "unit": "ms", "target": "<= 4"}}}
    )
    assert declared == {"answer.ask_p50_ms": {"value": 3, "unit": "ms", "target": "<= 4"}}
    top = run_all.normalise(
        "answer",
        {
            "ask_p99_ms": {"value": 30.5, "unit": "ms", "target": "<= 25", "met": False},
            "resolution": {"p99_ms": {"value": 4, "unit": "ms", "target": "<= 10"}},
            "n_agencies": 3000,
        },
    )
    assert top["answer.ask_p99_ms"] == {"value": 30.5, "unit": "ms", "target": "<= 25"}
    assert top["answer.resolution.p99_ms"]["target"] == "<= 10"
    assert top["answer.n_agencies"]["value"] == 3000
    bc = run_all.normalise(
        "broadcast",
        {
            "rate_limit": 30.0,
            "messages_per_second": None,
            "duplicates": 0,
            "target": {"messages_per_second": ">= 27", "duplicates": 0},
        },
    )
    assert bc["broadcast.rate_limit"]["target"] is None
    assert bc["broadcast.duplicates"]["target"] == 0 and run_all.met(0, 0) is True
    assert bc["broadcast.messages_per_second"]["value"] is None
    assert run_all.met(None, ">= 27") is False
    assert "broadcast.target.duplicates" not in bc


def test_run_all_keeps_hand_written_text(run_all, tmp_path, monkeypatch):
    md = tmp_path / "RESULTS.md"
    monkeypatch.setattr(run_all, "RESULTS_MD", md)
    md.write_text("# Results\n\nAnalysis by hand.\n", encoding="utf-8")
    results = {"bot.lost_messages": {"value": 0, "unit": "", "target": "== 0", "met": True, "date": "d"}}
    run_all.write_md(run_all.render_md(results, [], "quick", 1.0, "now", "here"))
    run_all.write_md(run_all.render_md(results, [], "quick", 2.0, "later", "here"))
    text = md.read_text(encoding="utf-8")
    assert text.count("Analysis by hand.") == 1 and text.count(run_all.BEGIN) == 1
    assert "later" in text and "✅ met" in text
