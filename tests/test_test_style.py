"""How the tests themselves are written (issue 12 item 9), checked by reading their source (AST).

Async code is tested the way the design card says: `async def` tests and async fixtures run by
pytest-asyncio (strict mode), so the Application, the Bot API stand-in's clients and the code under test
share the test's one event loop. A test that starts a loop of its own (`asyncio.run(...)`,
`loop.run_until_complete(...)`, `asyncio.Runner`) hides that loop from pytest-asyncio and its fixtures.
Only programs that tests start as separate processes may do it, and only in their `__main__` block.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
# path (relative to the repository) → why it may start its own loop in its `if __name__ == "__main__":` block
OWN_PROCESS_SCRIPTS: dict[str, str] = {
    "tests/reminders/crash_child.py": "the bot that the crash tests and the broadcast bench start and kill",
}
LOOP_STARTERS = {("asyncio", "run"), ("asyncio", "Runner")}


def _is_main_guard(node: ast.AST) -> bool:
    """`if __name__ == "__main__":`"""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)


def _main_block_lines(tree: ast.Module) -> set[int]:
    return {n.lineno for top in tree.body if _is_main_guard(top)
            for n in ast.walk(top) if hasattr(n, "lineno")}


def _loop_starts(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every place the module starts an event loop itself: asyncio.run / asyncio.Runner (also when imported
    by name from asyncio) and any `.run_until_complete(...)`."""
    from_asyncio = {a.asname or a.name: a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                    and n.module == "asyncio" for a in n.names}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr == "run_until_complete":
            yield node.lineno, "run_until_complete"
        elif (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
              and (f.value.id, f.attr) in LOOP_STARTERS):
            yield node.lineno, f"{f.value.id}.{f.attr}"
        elif isinstance(f, ast.Name) and ("asyncio", from_asyncio.get(f.id, "")) in LOOP_STARTERS:
            yield node.lineno, f"asyncio.{from_asyncio[f.id]}"


def own_loop_violations(path: Path, rel: str) -> list[str]:
    """`rel:line: what` for every loop the file starts outside what OWN_PROCESS_SCRIPTS allows."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    allowed = _main_block_lines(tree) if rel in OWN_PROCESS_SCRIPTS else set()
    return [f"{rel}:{line}: {what}" for line, what in sorted(_loop_starts(tree)) if line not in allowed]


def _test_files() -> Iterator[tuple[Path, str]]:
    for path in sorted(TESTS.rglob("*.py")):
        yield path, path.relative_to(ROOT).as_posix()


def test_no_test_starts_its_own_event_loop():
    found = [v for path, rel in _test_files() for v in own_loop_violations(path, rel)]
    assert found == [], ("use an `async def` test marked @pytest.mark.asyncio (pytest-asyncio, strict mode) "
                         "instead of starting a loop:\n" + "\n".join(found))


def test_the_allowed_scripts_exist_and_still_need_the_exception():
    for rel in OWN_PROCESS_SCRIPTS:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        assert list(_loop_starts(tree)), f"{rel} no longer starts a loop: drop it from OWN_PROCESS_SCRIPTS"


def test_the_guard_catches_what_it_claims(tmp_path):
    planted = tmp_path / "test_planted.py"
    planted.write_text(
        "import asyncio\n"
        "from asyncio import run as go\n"
        "def test_a():\n"
        "    asyncio.run(main())\n"                         # line 4
        "def test_b(loop):\n"
        "    loop.run_until_complete(main())\n"             # line 6
        "def test_c():\n"
        "    go(main())\n"                                  # line 8
        "def test_d():\n"
        "    with asyncio.Runner() as r:\n"                 # line 10
        "        r.run(main())\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n",                        # line 13
        encoding="utf-8")
    found = own_loop_violations(planted, "tests/test_planted.py")
    assert found == ["tests/test_planted.py:4: asyncio.run", "tests/test_planted.py:6: run_until_complete",
                     "tests/test_planted.py:8: asyncio.run", "tests/test_planted.py:10: asyncio.Runner",
                     "tests/test_planted.py:13: asyncio.run"]
    # an own-process script may start its loop in its __main__ block, and only there
    script = next(iter(OWN_PROCESS_SCRIPTS))
    outside_main = ("4: asyncio.run", "6: run_until_complete", "8: asyncio.run", "10: asyncio.Runner")
    assert own_loop_violations(planted, script) == [f"{script}:{n}" for n in outside_main]
    fine = tmp_path / "test_fine.py"
    fine.write_text("import asyncio\nimport pytest\n@pytest.mark.asyncio\nasync def test_a():\n"
                    "    await asyncio.sleep(0)\n", encoding="utf-8")
    assert own_loop_violations(fine, "tests/test_fine.py") == []
