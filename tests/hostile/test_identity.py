"""Issue 15.1: a generic or partial name is never an identity; the operator names the body instead.

Must hold: a report whose only name is generic (本局办公室, 政府办公室, 办公室, 区人民政府, …) is rejected
`no_agency` with a reason saying how to pass the name, and the store is unchanged but for the event; the
same files ingested with `--agency` are stored as two bodies, and re-ingesting them (also `--reparse`)
is `unchanged`.
"""

from __future__ import annotations

import itertools

import pytest

from bot.cli import main
from reports.model import ReportIdentity
from service.ingest import ingest_paths
from service.ingest.names import _words, generic_reason, identity_problem
from tests.hostile import corpus
from tests.storage.test_ingest import dump, values_of

pytestmark = pytest.mark.pg


def _write(tmp_path, opening, pair):
    out = []
    for tag, (data, agency, _year) in zip("ab", pair, strict=True):
        p = tmp_path / f"{tag}.txt"
        p.write_bytes(corpus.without_name(data, agency, opening))
        out.append(p)
    return out


@pytest.mark.parametrize("opening", corpus.OPENINGS)
def test_generic_name_is_rejected_and_stores_nothing(engine, tmp_path, pair, opening):
    files = _write(tmp_path, opening, pair)
    before = dump(engine, skip=("ingest_event",))
    summary = ingest_paths(engine, files, progress=False)
    assert [r.code for r in summary.results] == ["no_agency", "no_agency"], summary.render()
    assert all("--agency" in r.reason for r in summary.results)
    assert dump(engine, skip=("ingest_event",)) == before


@pytest.mark.parametrize("opening", ["本局办公室", "本单位"])
def test_agency_option_stores_two_bodies_and_reingest_is_unchanged(engine, tmp_path, pair, opening):
    (a, b) = _write(tmp_path, opening, pair)
    (_, name_a, year), (_, name_b, _) = pair
    assert ingest_paths(engine, [a], progress=False, agency=name_a).results[0].outcome == "stored"
    assert ingest_paths(engine, [b], progress=False, agency=name_b).results[0].outcome == "stored"
    va, vb = values_of(engine, name_a, year), values_of(engine, name_b, year)
    assert va and vb and va != vb
    for reparse in (False, True):
        again = ingest_paths(engine, [a], progress=False, agency=name_a, reparse=reparse).results[0]
        assert again.outcome == "unchanged", again.reason
    assert values_of(engine, name_a, year) == va


def test_generic_agency_option_is_a_usage_error(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--database-url", url, "ingest", "--agency", "本局办公室", str(tmp_path)]) == 2
    assert "--agency" in capsys.readouterr().err


def test_the_class_not_a_list():
    """Every deictic opening and every combination of level and body-type words is generic; the same
    words after a real place are a name."""
    words = _words()
    generic = [w for w in words["generic"] if len(w) > 0]
    for a, b in itertools.product(generic, repeat=2):
        assert generic_reason(a + b), a + b
        assert generic_reason("本" + a + b)
        assert not generic_reason("临江市城关区" + a + b)
    for d in words["deictic"]:
        assert generic_reason(d + "局办公室")
    # partial: a body type with no place, when the parser found none either
    assert identity_problem(ReportIdentity("教育局", 2020, "")) is not None
    assert identity_problem(ReportIdentity("临江市教育局", 2020, "")) is None
    assert identity_problem(ReportIdentity("国家税务总局", 2020, "")) is None
