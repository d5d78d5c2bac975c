"""Content-addressed raw store: every fetched file kept by sha256 with its URL, time and headers.

Why: `ingest --reparse` after a parser fix must re-read what was harvested without the network, and
the same bytes posted at two URLs are stored once. Layout: <root>/ab/abcdef….bin + ….json (metadata).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}.bin"

    def put(
        self, data: bytes, *, url: str, headers: dict[str, str], published: date | None = None
    ) -> str:
        """Write the bytes once (atomic rename) and append this fetch to the metadata; returns sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(target)
        meta_path = target.with_suffix(".json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {"fetches": []}
        meta["fetches"].append(
            {
                "url": url,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "headers": headers,
                "published": published.isoformat() if published else "",
            }
        )
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        return digest

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def meta(self, digest: str) -> dict:
        p = self.path(digest).with_suffix(".json")
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {"fetches": []}

    def __iter__(self):
        """(digest, path) of every stored file, for a re-parse without the network."""
        for p in sorted(self.root.glob("*/*.bin")):
            yield p.stem, p
