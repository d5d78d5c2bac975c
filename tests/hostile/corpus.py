"""The hostile corpus of issue 15, generated (never committed: the bombs are large once unpacked).

    python -m tests.hostile.corpus OUT_DIR [--full]

Each case is built from the generated sample reports (bot.samples), so no real report text is copied:
- generic_identity/<opening>/a.txt, b.txt: two bodies' reports of one year with the body's name taken out
  and the opening changed to "本报告由<opening>根据…";
- encodings/<report>.<encoding>.txt: one report as UTF-8, GB18030, UTF-16 LE/BE without a BOM;
- bad_name/: ten reports and one whose file name holds a byte that is not UTF-8;
- bombs/: a PDF whose stream inflates to 200 MB, a DOCX holding huge XML with an ordinary compression
  ratio (so the zip-bomb ratio check does not catch it), a text of a million lines.
`--full` makes the bombs as large as in the issue (DOCX 198 MB of XML); the tests use smaller ones that
are still far past every limit.
"""

from __future__ import annotations

import io
import os
import random
import re
import sys
import zipfile
import zlib
from functools import cache
from pathlib import Path

from reports.parse import parse_bytes
from tools.samples import write_samples

OPENINGS = ("本局办公室", "政府办公室", "办公室", "区人民政府", "本单位", "该局综合科", "市政府")
ENCODINGS = {"utf8": "utf-8", "gb18030": "gb18030", "utf16le": "utf-16-le", "utf16be": "utf-16-be"}
BAD_NAME = b"r0005_bad\xff.txt"
_BY = re.compile(r"本报告(?:是)?由[^。\n]{0,40}?(根据|依据|按照)")


@cache
def _samples(folder: str) -> tuple[tuple[Path, str, int], ...]:
    """(path, agency, year) of the generated UTF-8 text samples."""
    out = []
    for p in write_samples(Path(folder)):
        if p.suffix != ".txt":
            continue
        data = p.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        ident = parse_bytes(data, p.name).identity
        out.append((p, ident.agency, ident.year))
    return tuple(out)


def text_reports(workdir: Path) -> list[tuple[bytes, str, int]]:
    """(bytes, agency, year) of UTF-8 sample reports."""
    return [(p.read_bytes(), agency, year) for p, agency, year in _samples(str(workdir / "samples"))]


def same_year_pair(workdir: Path) -> list[tuple[bytes, str, int]]:
    """Two reports of different bodies for the same year."""
    by_year: dict[int, list[tuple[bytes, str, int]]] = {}
    for item in text_reports(workdir):
        by_year.setdefault(item[2], []).append(item)
    pairs = [v for v in by_year.values() if len({a for _, a, _ in v}) >= 2]
    first = pairs[0]
    second = next(x for x in first if x[1] != first[0][1])
    return [first[0], second]


def without_name(data: bytes, agency: str, opening: str) -> bytes:
    """The report with its body's name (and every place in it) taken out, opened by `opening`."""
    text = data.decode("utf-8")
    ident = parse_bytes(data, "x.txt").identity
    for name in sorted({agency, *ident.aliases, *ident.region_path}, key=len, reverse=True):
        if name:
            text = text.replace(name, "")
    text, n = _BY.subn(f"本报告由{opening}\\1", text)
    if not n:
        text = f"本报告由{opening}根据《条例》编制。\n" + text
    return text.encode("utf-8")


def encodings(data: bytes) -> dict[str, bytes]:
    text = data.decode("utf-8")
    return {key: text.encode(codec) for key, codec in ENCODINGS.items()}


def pdf_bomb(inflated_mb: int = 200) -> bytes:
    """A small, well-formed PDF whose one content stream inflates to `inflated_mb` MB."""
    comp = zlib.compressobj(9)
    block = b"0 0 m 1 1 l S\n" * 4096
    parts = [comp.compress(block) for _ in range(inflated_mb * 1024 * 1024 // len(block))]
    stream = b"".join(parts) + comp.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bomb(xml_mb: int = 40, seed: int = 1) -> bytes:
    """A DOCX whose document.xml is `xml_mb` MB of varied paragraphs (compression ratio ~5-15)."""
    rng = random.Random(seed)
    words = ["政府信息公开", "依申请", "主动公开", "行政复议", "行政诉讼", "收费", "答复", "年度报告"]
    para = [
        f"<w:p><w:r><w:t>{rng.choice(words)}{rng.randrange(10**9)}{rng.choice(words)}</w:t></w:r></w:p>"
        for _ in range(5000)
    ]
    chunk = "".join(para).encode("utf-8")
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>'
    )
    body = head + chunk * max(1, xml_mb * 1024 * 1024 // len(chunk)) + b"</w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr("word/document.xml", body)
    return out.getvalue()


def million_lines(n: int = 1_000_000) -> bytes:
    return "".join(f"第{i}行 依申请公开 {i % 97}\n" for i in range(n)).encode("utf-8")


def write_bad_name_folder(folder: Path, reports: list[bytes]) -> list[bytes]:
    """Ten good reports and one with a non-UTF-8 byte in its name; returns the raw names."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, data in enumerate(reports[:10]):
        name = b"r%04d.txt" % (i if i < 5 else i + 1)
        names.append(name)
        Path(os.fsdecode(os.path.join(os.fsencode(folder), name))).write_bytes(data)
    bad = os.path.join(os.fsencode(folder), BAD_NAME)
    with open(bad, "wb") as f:
        f.write(reports[0])
    names.append(BAD_NAME)
    return names


def write_corpus(out: Path, full: bool = False) -> None:
    """Every case as files under `out`."""
    pair = same_year_pair(out)
    for opening in OPENINGS:
        d = out / "generic_identity" / opening
        d.mkdir(parents=True, exist_ok=True)
        for tag, (data, agency, _) in zip("ab", pair, strict=True):
            (d / f"{tag}.txt").write_bytes(without_name(data, agency, opening))
    enc = out / "encodings"
    enc.mkdir(parents=True, exist_ok=True)
    for i, (data, _, _) in enumerate(text_reports(out)[:5]):
        for key, blob in encodings(data).items():
            (enc / f"r{i}.{key}.txt").write_bytes(blob)
    write_bad_name_folder(out / "bad_name", [d for d, _, _ in text_reports(out)])
    bombs = out / "bombs"
    bombs.mkdir(parents=True, exist_ok=True)
    (bombs / "stream.pdf").write_bytes(pdf_bomb(200))
    (bombs / "huge.docx").write_bytes(docx_bomb(198 if full else 40))
    (bombs / "lines.txt").write_bytes(million_lines())


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    write_corpus(Path(sys.argv[1]), full="--full" in sys.argv)
    print(f"hostile corpus written to {sys.argv[1]}")


# ------------------------------------------------------------------ exact numbers (issue 15.7)

EXACT_AGENCY = "临江市精确数字测试局"
BIG_COUNT = 12345678901234567  # float turns it into …568
HUGE = 10**30  # float turns it into 1000000000000000019884624838656


def exact_report(
    year: int = 2016, *, balanced: bool = True, fees: str = "3.30", in_person: int = HUGE, complaints: str = "-2",
    part_time: str = "0.2",
) -> bytes:
    """A generated 2008 统计表 report whose figures floats cannot hold: 12345678901234567 published items,
    10**30 + 1 requests received (`in_person` = 10**30 in person + 1 online; `balanced=False` prints the
    total as `in_person`, which only exact arithmetic sees is wrong), staff 0.3 = 0.1 + `part_time`, fees `fees`
    万元, complaints `complaints` (−2: a negative count)."""
    from tools.generator import GenAgency, generate_report

    gen = GenAgency(EXACT_AGENCY, "department", ("青川省", "临江市"))
    text = generate_report(1, "2008", gen, year).text
    total = in_person + 1 if balanced else in_person
    figures = {
        "（一）主动公开政府信息数": str(BIG_COUNT),
        "（一）收到申请数": str(total),
        "1.当面申请数": str(in_person),
        "2.传真申请数": "0",
        "3.网络申请数": "1",
        "4.信函申请数": "0",
        "（三）从事政府信息公开工作人员数": "0.3",
        "1.专职人员数": "0.1",
        "2.兼职人员数": part_time,
        "七、依申请公开信息收取的费用": fees,
        "六、举报投诉数量": complaints,
    }
    lines = text.splitlines()
    for i, line in enumerate(lines):
        for label, value in figures.items():
            if line.strip().lstrip("| ").startswith(label):
                lines[i] = re.sub(r"\S+\s*$", value, line.rstrip())
    return ("\n".join(lines) + "\n").encode("utf-8")
