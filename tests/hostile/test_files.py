"""Issue 15.3 and 15.11 (part): odd file names and encodings.

Must hold: a file name holding a byte that is not UTF-8 gets an outcome like every other file, is shown
with U+FFFD, and the summary is printed (also with --json, one line per file); UTF-16 without a BOM is
decoded to the same text as UTF-8 for every report, generated and real.
"""

from __future__ import annotations

import json
import os

import pytest

from bot.cli import main
from reports.readers import read_document
from service.ingest import ingest_paths
from tests.conftest import SHARED
from tests.hostile import corpus
from tests.storage.test_ingest import events

pytestmark = pytest.mark.pg


def test_non_utf8_file_name_gets_an_outcome_and_the_rest_goes_on(engine, tmp_path, parser):
    from tests.storage.conftest import fake_report

    folder = tmp_path / "in"
    corpus.write_bad_name_folder(folder, [fake_report(f"银川市第{i}局", 2020) for i in range(10)])
    summary = ingest_paths(engine, [folder], progress=False, parser=parser)
    assert len(summary.results) == 11
    names = [r.file_name for r in summary.results]
    assert "r0005_bad\ufffd.txt" in names
    bad = next(r for r in summary.results if "\ufffd" in r.file_name)
    assert bad.outcome == "unchanged"  # same bytes as r0000.txt
    assert [r.outcome for r in summary.results].count("stored") == 10
    assert "共处理 11 个文件" in summary.render()
    assert "r0005_bad\ufffd.txt" in [e.file_name for e in events(engine)]


def test_cli_json_prints_every_file_and_the_summary(tmp_path, capsys, monkeypatch):
    import service.ingest.pipeline as pipeline
    from tests.storage.conftest import fake_parse, fake_report

    monkeypatch.setattr(pipeline, "_default_parser", lambda: fake_parse)
    folder = tmp_path / "in"
    corpus.write_bad_name_folder(folder, [fake_report(f"银川市第{i}局", 2020) for i in range(10)])
    with open(os.path.join(os.fsencode(folder), b"zz\xfe.txt"), "wb") as f:
        f.write(b"ERROR broken \xff\xfe")
    url = f"sqlite:///{tmp_path / 'c.db'}"
    rc = main(["--database-url", url, "ingest", "--json", str(folder)])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert rc == 1 and len(rows) == 12
    assert any("\ufffd" in r["file"] and r["outcome"] == "rejected" for r in rows)
    assert "共处理 12 个文件" in err


def _texts():
    found = []
    for p in sorted(SHARED.glob("reports/*.txt")) if SHARED.is_dir() else []:
        found.append(p.read_bytes())
    return found


def test_utf16_without_bom_decodes_like_utf8_for_every_report(reports):
    blobs = [d for d, _, _ in reports] + _texts()
    assert len(blobs) >= 10
    for data in blobs:
        text = data.decode("utf-8-sig", errors="strict") if data[:3] != b"\xef\xbb\xbf" else data[3:].decode()
        want = read_document(text.encode("utf-8"), "r.txt")
        for codec in ("utf-16-le", "utf-16-be"):
            assert read_document(text.encode(codec), "r.txt") == want, codec
