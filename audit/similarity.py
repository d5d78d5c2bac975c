"""内容雷同: the share of a report's counted prose that repeats its body's previous report or other
bodies' reports of the same year, and the longest shared passages.

`YearIndex` holds one year's fingerprints in memory with LSH buckets (band key → sentences). A sentence
found in many bodies' reports of the year (≥ `common_at`) is the template's or everyone's wording and is
not counted, like the fixed sentences in audit/data/template_sentences.txt.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from audit.fingerprint import Fingerprint
from audit.minhash import BANDS, MATCH, agreement
from audit.model import Evidence, Similarity

COMMON_MIN = 20  # a sentence in at least this many reports of a year …
COMMON_SHARE = 0.02  # … or this share of them (whichever is larger) is common wording


@dataclass(slots=True)
class _Entry:
    report_id: int
    agency_id: int
    label: str
    fp: Fingerprint


@dataclass
class YearIndex:
    """One year's fingerprints; `add` as reports come in, `match` for a report being scored."""

    year: int
    entries: list[_Entry] = field(default_factory=list)
    buckets: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_report: dict[int, int] = field(default_factory=dict)

    @property
    def common_at(self) -> int:
        return max(COMMON_MIN, int(COMMON_SHARE * len(self.entries)))

    def add(self, report_id: int, agency_id: int, label: str, fp: Fingerprint) -> None:
        """Index a report (a report already indexed is replaced: its old sentences stop matching)."""
        if report_id in self.by_report:
            self.entries[self.by_report[report_id]].agency_id = -1  # tombstone: never matches again
        idx = len(self.entries)
        self.entries.append(_Entry(report_id, agency_id, label, fp))
        self.by_report[report_id] = idx
        for s, row in enumerate(fp.keys().tolist()):
            packed = (idx << 16) | s
            for key in row:
                self.buckets[key].append(packed)

    def common_mask(self, fp: Fingerprint) -> np.ndarray:
        """True for sentences most of whose bands sit in crowded buckets."""
        limit = self.common_at
        keys = fp.keys().tolist()
        return np.array([sum(len(self.buckets.get(k, ())) >= limit for k in row) * 2 > BANDS for row in keys],
                        dtype=bool)

    def peer_matches(self, fp: Fingerprint, agency_id: int, skip: np.ndarray) -> list[tuple[int, int] | None]:
        """For each sentence, (entry index, sentence index) of a matching sentence of another body, or None."""
        out: list[tuple[int, int] | None] = [None] * len(fp)
        for i, row in enumerate(fp.keys().tolist()):
            if skip[i]:
                continue
            seen: set[int] = set()
            for key in row:
                for packed in self.buckets.get(key, ()):
                    if packed in seen:
                        continue
                    seen.add(packed)
                    e = self.entries[packed >> 16]
                    if e.agency_id in (agency_id, -1):
                        continue
                    j = packed & 0xFFFF
                    if (fp.sigs[i] == e.fp.sigs[j]).mean() >= MATCH:
                        out[i] = (packed >> 16, j)
                        break
                if out[i] is not None:
                    break
        return out


def _share(fp: Fingerprint, matched: np.ndarray, counted: np.ndarray) -> float:
    total = int(fp.chars[counted].sum())
    return round(float(fp.chars[matched & counted].sum()) / total, 3) if total else 0.0


def _passages(fp: Fingerprint, matched: np.ndarray, source: list[str], limit: int = 3) -> list[Evidence]:
    """Runs of consecutive matched sentences, longest first, quoted from this report."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, m in enumerate([*matched.tolist(), False]):
        if m and start is None:
            start = i
        elif not m and start is not None:
            runs.append((start, i))
            start = None
    runs.sort(key=lambda r: -int(fp.chars[r[0]:r[1]].sum()))
    out = []
    for a, b in runs[:limit]:
        quote = "".join((fp.texts or [])[a:b])
        n = int(fp.chars[a:b].sum())
        out.append(Evidence(f"{quote[:80]}{'…' if len(quote) > 80 else ''}（{n} 字）", int(fp.lines[a]),
                            {"chars": float(n)}, source[a]))
    return out


def measure(fp: Fingerprint, agency_id: int, index: YearIndex | None,
            previous: Fingerprint | None = None, previous_label: str = "") -> Similarity:
    """Shares of counted prose repeated from `previous` (the body's earlier report) and from other bodies."""
    common = index.common_mask(fp) if index is not None else np.zeros(len(fp), dtype=bool)
    counted = ~common
    result = Similarity(counted_chars=int(fp.chars[counted].sum()))
    matched_any = np.zeros(len(fp), dtype=bool)
    source = [""] * len(fp)
    if previous is not None and len(previous):
        prev = (agreement(fp.sigs, previous.sigs) >= MATCH).any(axis=1) if len(fp) else np.zeros(0, bool)
        result.previous_share, result.previous_source = _share(fp, prev, counted), previous_label
        matched_any |= prev
        source = [previous_label if m else s for m, s in zip(prev.tolist(), source, strict=True)]
    if index is not None:
        hits = index.peer_matches(fp, agency_id, common)
        peer = np.array([h is not None for h in hits], dtype=bool)
        result.peer_share = _share(fp, peer, counted)
        for i, h in enumerate(hits):
            if h is not None and not source[i]:
                source[i] = index.entries[h[0]].label
        matched_any |= peer
    result.passages = _passages(fp, matched_any & counted, source)
    return result
