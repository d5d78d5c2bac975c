"""Issue 15.2: nothing is ever lost. Versions are append-only, the current one marked; history lists
them; restore and `ingest --force` bring an older one back; queries and exports read only the current.
The same text in another encoding is `unchanged`, not `replaced`.
"""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import delete, select
from sqlmodel import Session

from bot.cli import main
from service.ingest import ingest_bytes, ingest_paths
from storage.export import write_json_lines
from storage.ingest import history, restore
from storage.models import ReportVersion
from tests.hostile import corpus
from tests.storage.conftest import fake_report
from tests.storage.test_ingest import dump, values_of

pytestmark = pytest.mark.pg
A = "银川市测试局"
V1 = fake_report(A, 2020, values={"apply.received.total": 1, "review.total": 2})
V2 = fake_report(A, 2020, values={"apply.received.total": 5, "review.total": 6})


def _versions(engine) -> list[tuple[str, bool, list]]:
    with Session(engine) as s:
        rows = s.execute(select(ReportVersion).order_by(ReportVersion.id)).scalars().all()
        return [
            (r.file_hash, r.current, sorted((v["indicator"], v["value"]) for v in r.values)) for r in rows
        ]


def test_replaced_values_are_kept_and_history_lists_every_version(engine, parser):
    assert ingest_bytes(engine, V1, "v1.txt", parser=parser).outcome == "stored"
    assert ingest_bytes(engine, V2, "v2.txt", parser=parser).outcome == "replaced"
    vs = _versions(engine)
    assert [c for _, c, _ in vs] == [False, True]
    assert vs[0][2] == [("apply.received.total", 1.0), ("review.total", 2.0)]
    assert values_of(engine, A, 2020) == {"apply.received.total": 5.0, "review.total": 6.0}
    hist = history(engine, A, 2020)
    assert [h.current for h in hist] == [False, True] and all(len(h.file_hash) == 64 for h in hist)


def test_older_file_is_unchanged_unless_forced_and_restore_brings_a_version_back(engine, parser):
    ingest_bytes(engine, V1, "v1.txt", parser=parser)
    ingest_bytes(engine, V2, "v2.txt", parser=parser)
    before = dump(engine, skip=("ingest_event",))
    again = ingest_bytes(engine, V1, "v1.txt", parser=parser)
    assert again.outcome == "unchanged" and "--force" in again.reason
    assert dump(engine, skip=("ingest_event",)) == before
    forced = ingest_bytes(engine, V1, "v1.txt", parser=parser, force=True)
    assert forced.outcome == "replaced"
    assert values_of(engine, A, 2020) == {"apply.received.total": 1.0, "review.total": 2.0}
    v2_hash = _versions(engine)[1][0]
    back = restore(engine, A, 2020, v2_hash[:10])
    assert back.outcome == "restored"
    assert values_of(engine, A, 2020) == {"apply.received.total": 5.0, "review.total": 6.0}
    assert [c for _, c, _ in _versions(engine)] == [False, False, False, True]  # append-only
    out = io.StringIO()
    write_json_lines(engine, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted((r["indicator"], r["value"]) for r in rows) == [
        ("apply.received.total", 5),
        ("review.total", 6),
    ]


def test_a_report_stored_before_versions_keeps_its_values_when_replaced(engine, parser):
    ingest_bytes(engine, V1, "v1.txt", parser=parser)
    with Session(engine) as s, s.begin():
        s.execute(delete(ReportVersion))  # as a store migrated from 0002 looks
    ingest_bytes(engine, V2, "v2.txt", parser=parser)
    vs = _versions(engine)
    assert len(vs) == 2 and vs[0][2] == [("apply.received.total", 1.0), ("review.total", 2.0)]


def test_history_and_restore_on_the_command_line(tmp_path, capsys, monkeypatch):
    import service.ingest.pipeline as pipeline
    from tests.storage.conftest import fake_parse

    monkeypatch.setattr(pipeline, "_default_parser", lambda: fake_parse)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    for name, data in (("v1.txt", V1), ("v2.txt", V2)):
        (tmp_path / name).write_bytes(data)
        assert main(["--database-url", url, "ingest", "--no-progress", str(tmp_path / name)]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "history", A, "2020"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "current" in lines[1] and "current" not in lines[0]
    first = lines[0].split()[0]
    assert main(["--database-url", url, "restore", A, "2020", first]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["--database-url", url, "history", "没有这个局", "2020"]) == 1


def test_same_text_in_another_encoding_is_unchanged(engine, tmp_path, reports):
    """Real parser: UTF-8, GB18030 and UTF-16 without a BOM of one report are one version."""
    data, agency, year = reports[0]
    blobs = corpus.encodings(data)
    for key, blob in blobs.items():
        (tmp_path / f"r.{key}.txt").write_bytes(blob)
    files = [tmp_path / f"r.{key}.txt" for key in blobs]
    summary = ingest_paths(engine, files, progress=False)
    assert [r.outcome for r in summary.results] == ["stored"] + ["unchanged"] * (len(files) - 1), (
        summary.render()
    )
    assert len(history(engine, agency, year)) == 1
