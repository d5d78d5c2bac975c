"""Finding report files and reading them whole and unchanged.

Why: a folder is read while other programs write to it. Each file is read once through one descriptor,
and the sha256 and the parse are both of those very bytes. A file deleted after its folder was listed
is rejected as vanished; a file that changes while it is read (size or times differ before and after)
is read again, and rejected as changed if it keeps changing. A file name that is not valid UTF-8 is
shown with replacement characters (it cannot be printed or stored as it is) and still gets an outcome.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports.readers import MAX_BYTES, SUPPORTED_SUFFIXES

READ_CHUNK = 1024 * 1024
READ_ATTEMPTS = 2  # a file that changes during both reads is refused as "changed"
NOT_RECORDED = frozenset({"missing", "unreadable"})  # typos and permissions: no event in the store


def shown(path: str | Path) -> str:
    """The path as text that can be printed and stored (undecodable bytes become U+FFFD)."""
    text = os.fspath(path)
    try:
        return os.fsencode(text).decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return text.encode("utf-8", "replace").decode("utf-8")


def _max_bytes() -> int:
    return int(MAX_BYTES)


def _skip_reason(path: Path) -> str | None:
    """Why a file found inside a folder is not a report (None = try it)."""
    name = path.name
    low = name.lower()
    if name.startswith(".") or name.startswith("~$"):
        return "隐藏或临时文件 (hidden/temporary file)"
    if low.startswith("readme"):
        return "说明文件 (README)"
    if low.endswith(".expected.json"):
        return "期望值文件 (expected values)"
    if low.startswith("manifest") or low in {"files.json", "index.json", "checksums.txt", "sha256sums"}:
        return "清单文件 (manifest)"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"不支持的文件类型 (unsupported type {shown(path.suffix) or 'without suffix'})"
    return None


def expand_paths(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """(file, skip reason or None) for each file; folders recursively in sorted order, hidden dirs skipped."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p).parts
                if any(part.startswith(".") for part in rel[:-1]) or not child.is_file():
                    continue
                yield child, _skip_reason(child)
        else:
            yield p, None  # named explicitly: always offered to the parser (or reported missing)


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class Changed(Exception):
    """The file kept changing while it was read."""


def _read_chunk(f: Any, size: int) -> bytes:
    """One read from an open report file (a seam: tests change the file between two reads here)."""
    return f.read(size)


def _same_version(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_size, before.st_mtime_ns, before.st_ctime_ns) == (
        after.st_size,
        after.st_mtime_ns,
        after.st_ctime_ns,
    )


def read_stable(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, read once through one descriptor and checked not to have changed meanwhile.

    Raises FileNotFoundError/OSError, TooLarge (never reads more than max_bytes + one chunk) or Changed
    (still changing after READ_ATTEMPTS reads). A file replaced by a rename while it is read is read
    whole in its old version (the open descriptor keeps it), which is consistent too.
    """
    for _ in range(READ_ATTEMPTS):
        with open(path, "rb") as f:
            before = os.fstat(f.fileno())
            if before.st_size > max_bytes:
                raise TooLarge(before.st_size)
            chunks: list[bytes] = []
            total = 0
            while chunk := _read_chunk(f, READ_CHUNK):
                total += len(chunk)
                if total > max_bytes:  # grew past the limit while being read
                    raise TooLarge(total)
                chunks.append(chunk)
            after = os.fstat(f.fileno())
        if _same_version(before, after) and total == after.st_size:
            return b"".join(chunks)
    raise Changed()


@dataclass
class Refused:
    """A file that never reaches the parser: skipped, or rejected with a code."""

    outcome: str  # skipped|rejected
    reason: str
    code: str = ""


def read_file(path: Path, skip: str | None, named: bool = True) -> Refused | tuple[bytes, str]:
    """Skipped / missing / vanished / too large / changing / unreadable, else the bytes and their sha256.

    `named`: the path was given explicitly (a missing one is a typo); otherwise it was found by listing
    a folder, and its disappearance since then is "vanished".
    """
    if skip is not None:
        return Refused("skipped", skip)
    max_bytes = _max_bytes()
    try:
        data = read_stable(path, max_bytes)
    except TooLarge as big:  # never read past the limit: a huge file is refused before it costs memory
        reason = f"文件过大 ({big.size / 1048576:.1f} MB > {max_bytes // 1048576} MB) (file too large)"
        return Refused("rejected", reason, "too_large")
    except Changed:
        reason = f"文件在读取时被改动，连续 {READ_ATTEMPTS} 次读取不一致 (file changed while being read; not stored)"
        return Refused("rejected", reason, "changed")
    except FileNotFoundError:
        if named:
            return Refused("rejected", "文件不存在 (no such file)", "missing")
        return Refused(
            "rejected", "文件在列出目录后消失 (file vanished after the folder was listed)", "vanished"
        )
    except OSError as err:
        return Refused(
            "rejected", f"无法读取文件 (cannot read: {shown(err.strerror or str(err))})", "unreadable"
        )
    return data, hashlib.sha256(data).hexdigest()
