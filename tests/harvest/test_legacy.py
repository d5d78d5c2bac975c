"""Legacy .doc/.wps attachments: converted with LibreOffice headless when installed, else listed as
unsupported_format with their URL. The conversion test runs only where soffice exists."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select

from harvest.fetch import FetchPolicy
from service.harvest import Site, harvest
from storage.models import Agency, Report
from tests.harvest import site
from tools.generator import GenAgency, generate_report, render

FAST = FetchPolicy(per_host_interval=0.02, backoff=0.01)
BODY = GenAgency("临江市河西区民政局", "department", (site.PROVINCE, "临江市", "河西区"))


def _to_doc(soffice: str, docx: bytes, tmp: Path) -> bytes:
    """A real Word 97 .doc, made from a generated .docx by LibreOffice itself."""
    (tmp / "r.docx").write_bytes(docx)
    profile = (tmp / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp), str(tmp / "r.docx")], check=True, capture_output=True, timeout=300)
    return (tmp / "r.doc").read_bytes()


def _column(files: dict[str, bytes]) -> site.Host:
    """A plain static 年报 column linking each legacy file by a report title."""
    host = site.serve(site.Host("legacy"))
    host.resources["/robots.txt"] = site.Resource(b"User-agent: *\n", "text/plain")
    items = []
    for i, (name, data) in enumerate(files.items()):
        year = 2020 + i
        host.resources[f"/ndbg/{name}"] = site.Resource(data, "application/msword")
        items.append(f'<li><a href="/ndbg/{name}">{BODY.name}{year}年政府信息公开工作年度报告</a></li>')
    host.resources["/ndbg/index.html"] = site.Resource(
        f"<html><head><title>政府信息公开年报</title></head><body><ul>{''.join(items)}</ul></body></html>".encode()
    )
    return host


def _stored(engine) -> dict[int, Report]:
    with Session(engine) as s:
        return {r.year: r for _n, r in s.exec(select(Agency.name, Report).join(Report)).all()}


@pytest.mark.asyncio
async def test_doc_and_wps_are_converted_when_libreoffice_is_installed(engine, tmp_path, real_libreoffice):
    rep = generate_report(31, "2019", BODY, 2020, noise=frozenset())
    rep21 = generate_report(32, "2021", BODY, 2021, noise=frozenset())
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    doc = _to_doc(real_libreoffice, render(rep, "docx")[0], tmp_path / "a")
    # Kingsoft WPS Writer saves Word binaries under its own suffix
    wps = _to_doc(real_libreoffice, render(rep21, "docx")[0], tmp_path / "b")
    host = _column({"P020210115.doc": doc, "P020220118.wps": wps})
    try:
        stats = await harvest(engine, [Site(BODY.name, "department", "河西区", f"{host.base}/ndbg/index.html")],
                              tmp_path / "raw", policy=FAST)
    finally:
        site.stop(host)
    assert stats is not None and stats.unsupported == [], stats
    stored = _stored(engine)
    assert sorted(stored) == [2020, 2021], stats
    assert stored[2020].source_url.endswith("P020210115.doc") and stored[2021].source_url.endswith(".wps")
    assert stored[2020].template == "2019" and stored[2021].template == "2021"


@pytest.mark.asyncio
async def test_without_libreoffice_legacy_files_are_unsupported_format_with_their_url(engine, tmp_path):
    host = _column({"P020210115.doc": b"\xd0\xcf\x11\xe0 a Word 97 file", "P020220118.wps": b"\xd0\xcf\x11\xe0"})
    try:
        stats = await harvest(engine, [Site(BODY.name, "department", "河西区", f"{host.base}/ndbg/index.html")],
                              tmp_path / "raw", policy=FAST)
    finally:
        site.stop(host)
    assert stats is not None and sorted(u.rsplit("/", 1)[-1] for u in stats.unsupported) == [
        "P020210115.doc", "P020220118.wps"]
    assert _stored(engine) == {}
    from storage import harvest as frontier

    assert {r.url.rsplit("/", 1)[-1] for r in frontier.rows(engine, state="unsupported")} == {
        "P020210115.doc", "P020220118.wps"}
