"""Audit-season scorecards: pure checks of one report (timeliness, format, numbers, 内容雷同, consistency).

No storage and no front end here: callers pass plain facts in (`ReportFacts`) and get a `Scorecard` out;
`service.audit` loads the facts, stores the card and renders it.
"""

from audit.model import Check, Evidence, ReportFacts, Scorecard
from audit.scoring import score_report

__all__ = ["Check", "Evidence", "ReportFacts", "Scorecard", "score_report"]
