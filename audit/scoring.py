"""Score and grade: each check earns its weight (data/weights.csv) less the penalty of its severity
(data/severities.csv); the total out of 100 gives the grade (data/grades.csv)."""

from __future__ import annotations

from audit import checks
from audit.model import Check, ReportFacts, Scorecard
from audit.rules import grades, penalties, weights
from reminders.calendar import due_date


def points(check: Check) -> Check:
    w = weights()[check.key].weight
    check.weight = w
    check.points = round(w * max(0.0, 1.0 - penalties()[check.severity]), 1)
    return check


def grade_of(score: float) -> str:
    return next(g for g, least, _ in grades() if score >= least)


def score_report(f: ReportFacts) -> Scorecard:
    """The scorecard of one report from its facts."""
    timely, pub, source, late = checks.timeliness(f)
    found = [timely, checks.format_check(f), checks.numbers(f), checks.similarity(f), checks.consistency(f)]
    found = [points(c) for c in found]
    score = round(sum(c.points for c in found), 1)
    return Scorecard(f.agency, f.year, score, grade_of(score), pub, source, due_date(f.year, f.kind).due,
                     late, found)
