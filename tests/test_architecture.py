"""The house rules of issue 12, checked over the whole tree by reading the source (AST), not by importing.

(a) imports run only downward: bot → handlers → service → audit | harvest → reminders → query → storage →
    reports (audit and harvest are siblings that do not import each other); hence no cycle between packages;
(b) no SQL outside storage/, and no `import telegram` outside handlers/, bot/ and the Telegram sender;
(c) no function over 80 lines in query/, service/ and storage/.

docs/architecture.md draws the same picture; change both together.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# rank: a package may import only packages of a higher rank (lower in the picture); equal rank = siblings
LAYERS: dict[str, int] = {
    "bot": 0, "handlers": 1, "service": 2, "audit": 3, "harvest": 3,
    "reminders": 4, "query": 5, "storage": 6, "reports": 7,
}
TELEGRAM_ALLOWED = ("bot/", "handlers/", "reminders/sender.py", "reminders/delivery_policy.py")
SQL_NAMES = {"select", "insert", "update", "delete", "text", "func", "and_", "or_", "bindparam", "literal_column",
             "union", "union_all", "exists"}
SQL_CALLS = {"exec", "execute", "scalars", "scalar", "exec_driver_sql"}
SQL_STRING = re.compile(  # statements as this project writes them (upper-case keywords)
    r"^\s*(SELECT\s.*\bFROM\s|SELECT\s+\d|INSERT\s+INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s|"
    r"(CREATE|DROP|ALTER)\s+(TABLE|INDEX|UNIQUE|VIEW)\s|PRAGMA\s|TRUNCATE\s)", re.DOTALL)
MAX_FUNCTION_LINES = 80
LONG_FUNCTIONS_CHECKED = ("query", "service", "storage")
# Alembic revisions are frozen history written as one declarative list of tables; they are never edited
LONG_FUNCTIONS_EXEMPT = ("storage/migrations/versions/",)


def _package_files() -> Iterator[tuple[str, Path]]:
    for pkg in LAYERS:
        base = ROOT / pkg
        if base.is_dir():
            for path in sorted(base.rglob("*.py")):
                yield pkg, path


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every absolute module name the file imports (top level, inside functions, under TYPE_CHECKING)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:  # "from service import charts" imports service.charts
                yield node.lineno, f"{node.module}.{alias.name}"


def _import_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {pkg: set() for pkg in LAYERS}
    for pkg, path in _package_files():
        for _line, module in _imported_modules(_tree(path)):
            top = module.split(".")[0]
            if top in LAYERS and top != pkg:
                edges[pkg].add(top)
    return edges


def test_the_layer_table_covers_every_project_package():
    """A new top-level package must be placed in the picture (here and in docs/architecture.md)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"include\s*=\s*\[([^\]]*)\]", pyproject).group(1)
    for pkg in re.findall(r'"(\w+)\*?"', include):
        assert pkg in LAYERS, f"package {pkg} has no place in the layer order"


def test_imports_only_run_downward():
    problems = []
    for pkg, path in _package_files():
        for line, module in _imported_modules(_tree(path)):
            top = module.split(".")[0]
            if top not in LAYERS or top == pkg:
                continue
            if LAYERS[top] <= LAYERS[pkg]:
                kind = "sibling" if LAYERS[top] == LAYERS[pkg] else "upward"
                problems.append(f"{_rel(path)}:{line}: {kind} import of {module} ({pkg} → {top})")
    assert not sorted(set(problems)), "imports that break the layer order:\n" + "\n".join(sorted(set(problems)))


def test_no_import_cycle_between_packages():
    edges = _import_edges()
    seen: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(pkg: str, stack: list[str]) -> list[str] | None:
        seen[pkg] = 1
        for nxt in sorted(edges[pkg]):
            if seen.get(nxt) == 1:
                return stack + [pkg, nxt]
            if nxt not in seen and (cycle := visit(nxt, stack + [pkg])):
                return cycle
        seen[pkg] = 2
        return None

    for pkg in LAYERS:
        if pkg not in seen and (cycle := visit(pkg, [])):
            pytest.fail("import cycle: " + " → ".join(cycle))


def _sql_uses(path: Path) -> Iterator[str]:
    tree = _tree(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in {"sqlalchemy", "sqlmodel"}:
            names = sorted(a.name for a in node.names if a.name in SQL_NAMES)
            if names:
                yield f"{node.lineno}: imports {', '.join(names)} from {node.module}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS and not _is_executor_call(node):
                yield f"{node.lineno}: calls .{node.func.attr}(…)"
            elif node.func.attr in SQL_NAMES and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id in {"sa", "sqlalchemy", "sqlmodel"}:
                yield f"{node.lineno}: builds SQL with {node.func.value.id}.{node.func.attr}(…)"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_STRING.match(node.value):
            if not _is_docstring(tree, node):
                yield f"{node.lineno}: raw SQL string {node.value[:40]!r}"


def _is_executor_call(node: ast.Call) -> bool:
    """`pool.execute(...)` of concurrent.futures or a process pool is not SQL; receivers are named so."""
    value = node.func.value  # type: ignore[attr-defined]
    name = value.id if isinstance(value, ast.Name) else getattr(value, "attr", "")
    return "pool" in name.lower() or "executor" in name.lower()


def _is_docstring(tree: ast.Module, node: ast.Constant) -> bool:
    for owner in ast.walk(tree):
        if isinstance(owner, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and owner.body:
            first = owner.body[0]
            if isinstance(first, ast.Expr) and first.value is node:
                return True
    return False


def test_no_sql_outside_storage():
    problems = [f"{_rel(path)}:{use}" for pkg, path in _package_files() if pkg != "storage"
                for use in _sql_uses(path)]
    assert not problems, "SQL outside storage/ (move it into a storage/ module):\n" + "\n".join(problems)


def test_telegram_only_in_front_ends_and_the_sender():
    problems = []
    for _pkg, path in _package_files():
        rel = _rel(path)
        if rel.startswith(TELEGRAM_ALLOWED):
            continue
        for line, module in _imported_modules(_tree(path)):
            if module.split(".")[0] == "telegram":
                problems.append(f"{rel}:{line}: imports {module}")
    assert not sorted(set(problems)), "Telegram outside handlers/, bot/ and the sender:\n" + "\n".join(
        sorted(set(problems)))


def test_no_function_over_80_lines():
    problems = []
    for pkg, path in _package_files():
        if pkg not in LONG_FUNCTIONS_CHECKED or _rel(path).startswith(LONG_FUNCTIONS_EXEMPT):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{_rel(path)}:{node.lineno}: {node.name} is {length} lines")
    assert not problems, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(problems)


def test_the_checks_catch_what_they_claim(tmp_path):
    """The detectors themselves: each finds a planted violation (so a green run means something)."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        'from sqlalchemy import select, text\n'
        'def f(session):\n'
        '    session.exec(select(1))\n'
        '    return "SELECT 1 FROM t"\n', encoding="utf-8")
    uses = list(_sql_uses(bad))
    assert any("imports select, text" in u for u in uses)
    assert any(".exec(" in u for u in uses)
    assert any("raw SQL" in u for u in uses)
    fine = tmp_path / "fine.py"
    fine.write_text('"""SELECT is a word in this docstring."""\nfrom concurrent.futures import ThreadPoolExecutor\n'
                    'def g(pool):\n    return pool.execute(1)\n', encoding="utf-8")
    assert list(_sql_uses(fine)) == []
    imports = dict((m, n) for n, m in _imported_modules(ast.parse("def f():\n    from bot import jobs\n")))
    assert "bot.jobs" in imports


def _guarded_own_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Imports of the project's own modules inside `try: … except ImportError` (or ModuleNotFoundError):
    code that checks whether its own modules exist and quietly degrades (issue 12 item 8)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        names = set()
        for handler in node.handlers:
            kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            names |= {k.id for k in kinds if isinstance(k, ast.Name)}
        if not names & {"ImportError", "ModuleNotFoundError"}:
            continue
        for stmt in node.body:
            for line, module in _imported_modules(ast.Module(body=[stmt], type_ignores=[])):
                if module.split(".")[0] in LAYERS or module.split(".")[0] == "tools":
                    yield line, module


def test_no_own_module_is_imported_only_if_it_exists():
    """A missing project module is an import error at start-up, never a silently disabled feature."""
    found = [f"{_rel(path)}:{line} {module}" for _pkg, path in _package_files()
             for line, module in _guarded_own_imports(_tree(path))]
    assert not found, found


def test_the_guarded_import_check_catches_one():
    planted = ast.parse("try:\n    from storage.migrate import ensure_schema\nexcept ImportError:\n    pass\n"
                        "try:\n    import pypdfium2\nexcept ImportError:\n    pass\n")
    assert [m for _line, m in _guarded_own_imports(planted)] == ["storage.migrate", "storage.migrate.ensure_schema"]
