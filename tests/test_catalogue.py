"""The project's catalogue extends the shared one and never renames its keys."""

import csv

from reports.catalogue import all_keys, definition, unit_of

from .conftest import SHARED_SPEC


def test_every_shared_key_is_in_the_project_catalogue():
    path = SHARED_SPEC / "indicators.csv"
    if not path.exists():
        import pytest

        from .conftest import IN_CI

        if IN_CI:
            pytest.fail("../shared/spec/indicators.csv missing under CI")
        pytest.skip("shared spec not present")
    shared = {(r["key"], r["templates"]) for r in csv.DictReader(path.open(encoding="utf-8"))}
    ours = set(all_keys())
    assert {k for k, _ in shared} <= ours


def test_definition_prefers_the_reports_template():
    assert definition("apply.received.total", "2008").row_label.startswith("（一）收到申请数")
    assert definition("apply.received.total", "2021").column_label == "总计"
    assert unit_of("apply.fees", "2008") == "万元"
    assert definition("no.such.key") is None
