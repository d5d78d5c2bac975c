"""What one ingest run did, file by file, and the readable bilingual summary printed at its end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from storage.ingest import IngestResult


@dataclass
class IngestSummary:
    """Everything one `ingest` run did, file by file."""

    results: list[IngestResult] = field(default_factory=list)

    def by(self, outcome: str) -> list[IngestResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def stored(self) -> list[IngestResult]:
        return self.by("stored")

    @property
    def unchanged(self) -> list[IngestResult]:
        return self.by("unchanged")

    @property
    def replaced(self) -> list[IngestResult]:
        return self.by("replaced")

    @property
    def rejected(self) -> list[IngestResult]:
        return self.by("rejected")

    @property
    def skipped(self) -> list[IngestResult]:
        return self.by("skipped")

    @property
    def flagged(self) -> list[IngestResult]:
        return [r for r in self.results if r.flagged]

    def counts(self) -> dict[str, int]:
        keys = ("stored", "unchanged", "replaced", "rejected", "skipped")
        out = {k: len(self.by(k)) for k in keys}
        out["flagged"] = len(self.flagged)
        out["values"] = sum(r.values for r in self.results)
        out["findings"] = sum(r.findings for r in self.results)
        return out

    @property
    def ok(self) -> bool:
        return not self.rejected

    def render(self, *, limit: int = 50) -> str:
        """A readable bilingual summary; reasons for every rejected file (up to `limit` lines each)."""
        c = self.counts()
        lines = [
            f"共处理 {len(self.results)} 个文件 (files): 入库 stored {c['stored']} · 替换 replaced {c['replaced']}"
            f" · 未变化 unchanged {c['unchanged']} · 拒绝 rejected {c['rejected']} · 跳过 skipped {c['skipped']}",
            f"写入数值 values {c['values']} · 勾稽问题 findings {c['findings']}（涉及 {c['flagged']} 份报告 reports flagged）",
        ]

        def block(title: str, items: list[IngestResult], fmt: Callable[[IngestResult], str]) -> None:
            if not items:
                return
            lines.append(title)
            for r in items[:limit]:
                lines.append("  - " + fmt(r))
            if len(items) > limit:
                lines.append(f"  … 另有 {len(items) - limit} 个 (and {len(items) - limit} more)")

        def who(r: IngestResult) -> str:
            return f"{r.file_name}: {r.agency} {r.year} ({r.template}, {r.values} 项)"

        block("已拒绝 rejected:", self.rejected, lambda r: f"{r.path or r.file_name}: {r.reason}")
        block("已替换 replaced:", self.replaced, who)
        block("有勾稽问题 flagged:", self.flagged, lambda r: f"{who(r)} — {r.findings} 处勾稽问题 findings")
        block("已跳过 skipped:", self.skipped, lambda r: f"{r.path or r.file_name}: {r.reason}")
        if self.stored and len(self.stored) <= 20:
            block("已入库 stored:", self.stored, who)
        return "\n".join(lines)
