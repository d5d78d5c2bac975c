"""A generated local government site family for harvester tests and benches (served on 127.0.0.1).

Two hosts: a TRS WCM-style site (GBK column list with index.html / index_1.html pagination,
./YYYYMM/tYYYYMMDD_N.htm items with PubDate/ArticleTitle metas, a PDF attachment behind an intro page,
a duplicate posting, a 404 link, a 500-then-OK page, a redirect, robots.txt Disallow) and a Hanweb-style
site (col/col1234/index.html whose list is rendered by script from a JSON API, art/Y/M/D/art_… items,
a Chinese-numeral year, a DOCX attachment, a legacy .doc, a slow response). Reports come from the
dev-only generator (fictional bodies of 青川省). Every request is logged with its time and headers.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tools.generator import GenAgency, generate_agencies, generate_report, render

PROVINCE = "青川省"


@dataclass
class Resource:
    body: bytes
    ctype: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    fail_first: int = 0  # answer 500 this many times first
    location: str = ""
    mtime: float = 1_700_000_000.0


@dataclass
class Hit:
    path: str
    at: float
    conditional: bool
    status: int


@dataclass
class Host:
    """One site: path → resource, plus the request log."""

    name: str
    resources: dict[str, Resource] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def paths(self) -> list[str]:
        return [h.path for h in self.log]


def _handler(host: Host) -> type[BaseHTTPRequestHandler]:
    class H(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = urlsplit(self.path).path
            cond = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            with host.lock:
                res = host.resources.get(path)
                status = 404 if res is None else res.status
                if res is not None and res.fail_first > 0:
                    res.fail_first -= 1
                    status = 500
            etag = f'"{hashlib.sha1(res.body).hexdigest()[:16]}"' if res is not None else ""
            if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                status = 304
            with host.lock:
                host.log.append(Hit(path, time.monotonic(), cond, status))
            if res is not None and res.delay:
                time.sleep(res.delay)  # the server side of a slow site (not a test sleep)
            self.send_response(status)
            if status in (301, 302) and res is not None:
                self.send_header("Location", res.location)
            if status in (200, 304) and res is not None:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(res.mtime, usegmt=True))
            body = res.body if (res is not None and status == 200) else b""
            self.send_header("Content-Type", res.ctype if res is not None else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return H


def serve(host: Host) -> Host:
    host.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(host))
    threading.Thread(target=host.server.serve_forever, daemon=True).start()
    return host


def stop(host: Host) -> None:
    if host.server is not None:
        host.server.shutdown()
        host.server.server_close()


def _page(title: str, body: str, *, pubdate: str = "", charset: str = "utf-8") -> str:
    metas = f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{pubdate}">' if pubdate else ""
    return (
        f'<html><head><meta charset="{charset}">{metas}<title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )


def _report(agency: GenAgency, year: int, fmt: str, seed: int) -> tuple[bytes, str, str]:
    rep = generate_report(seed, "2021" if year >= 2021 else "2019", agency, year, noise=frozenset())
    data, suffix = render(rep, fmt)
    return data, suffix, f"{agency.name}{year}年政府信息公开工作年度报告"


@dataclass
class SiteFamily:
    trs: Host
    hanweb: Host
    expected: set[tuple[str, int]]  # (body, year) of every report a harvester must find
    unsupported: list[str]  # paths of legacy .doc files

    def hosts(self) -> list[Host]:
        return [self.trs, self.hanweb]

    def sites_csv(self) -> str:
        return (
            "name,kind,region,url\n"
            f"临江市河西区人民政府,people_gov,河西区,{self.trs.base}/\n"
            f"白石市清水县人民政府,people_gov,清水县,{self.hanweb.base}/col/col1234/index.html\n"
        )

    def publish_late(self, year: int = 2025) -> tuple[str, int]:
        """A new report appears on the TRS column (as on 20 January); returns (body, year)."""
        agency = GenAgency("临江市河西区审批服务管理局", "department", (PROVINCE, "临江市", "河西区"))
        data, _sfx, title = _report(agency, year, "html", 99)
        path = f"/xxgk/ndbg/{year + 1}01/t{year + 1}0120_5001.htm"
        with self.trs.lock:
            self.trs.resources[path] = Resource(data)
            lst = self.trs.resources["/xxgk/ndbg/index.html"]
            item = f'<li><a href="./{year + 1}01/t{year + 1}0120_5001.htm">{title}</a> {year + 1}-01-20</li>'
            lst.body = lst.body.replace("<ul>".encode("gbk"), ("<ul>" + item).encode("gbk"), 1)
            lst.mtime += 86400
        self.expected.add((agency.name, year))
        return agency.name, year


def build() -> SiteFamily:
    trs, han = Host("trs"), Host("hanweb")
    serve(trs)
    serve(han)
    expected: set[tuple[str, int]] = set()
    a1 = GenAgency("临江市河西区人民政府", "people_gov", (PROVINCE, "临江市", "河西区"))
    a2 = GenAgency("临江市河西区教育局", "department", (PROVINCE, "临江市", "河西区"))
    a3 = GenAgency("白石市清水县人民政府", "people_gov", (PROVINCE, "白石市", "清水县"))
    a4 = GenAgency("白石市清水县公安局", "department", (PROVINCE, "白石市", "清水县"))
    r = trs.resources
    r["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    r["/"] = Resource(_page("临江市河西区人民政府", '<a href="/xxgk/index.html">政府信息公开</a> <a href="/news/">新闻</a>').encode())
    r["/xxgk/index.html"] = Resource(
        _page("政府信息公开", '<a href="/xxgk/old.htm">政府信息公开年报</a> <a href="/private/x.htm">内部</a>').encode()
    )
    r["/xxgk/old.htm"] = Resource(b"", status=301, location="/xxgk/ndbg/index.html")
    items0, items1 = [], []
    for i, (ag, year, fmt) in enumerate([(a1, 2021, "html"), (a1, 2022, "html"), (a2, 2022, "html")]):
        data, _s, title = _report(ag, year, fmt, i)
        path = f"/xxgk/ndbg/{year + 1}01/t{year + 1}011{i}_{1000 + i}.htm"
        r[path] = Resource(data, fail_first=1 if i == 1 else 0)
        items0.append(f'<li><a href="./{path.split("/ndbg/")[1]}">{title}</a> {year + 1}-01-1{i}</li>')
        expected.add((ag.name, year))
    items0.append(items0[0])  # the same report posted twice on the list
    # page + attachment: an intro page whose report is a PDF
    pdf, _s, title = _report(a2, 2023, "pdf", 7)
    r["/xxgk/ndbg/202402/P020240205123456.pdf"] = Resource(pdf, "application/pdf")
    intro = _page(title, '<p>详见附件。</p><a href="./P020240205123456.pdf">附件：年度报告.pdf</a>', pubdate="2024-02-05")
    r["/xxgk/ndbg/202402/t20240205_2001.htm"] = Resource(intro.encode())
    items1.append(f'<li><a href="./202402/t20240205_2001.htm">{title}</a> 2024-02-05</li>')
    expected.add((a2.name, 2023))
    items1.append('<li><a href="./202001/t20200101_404.htm">临江市河西区人民政府2019年政府信息公开工作年度报告</a></li>')
    items1.append('<li><a href="/private/t1.htm">临江市河西区人民政府2018年政府信息公开工作年度报告</a></li>')
    r["/private/t1.htm"] = Resource(b"secret")
    nav0 = '<a href="index_1.html">下一页</a>'
    r["/xxgk/ndbg/index.html"] = Resource(
        _page("政府信息公开年报", f"<ul>{''.join(items0)}</ul>{nav0}", charset="gbk").encode("gbk"),
        "text/html; charset=gbk",
    )
    r["/xxgk/ndbg/index_1.html"] = Resource(
        _page("政府信息公开年报", f"<ul>{''.join(items1)}</ul>", charset="gbk").encode("gbk"),
        "text/html; charset=gbk",
    )
    # Hanweb: the list is rendered by script from a JSON API
    h = han.resources
    h["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /admin/\n", "text/plain")
    script = '<div id="list"></div><script>$.getJSON("/module/api/list.json?col=1234", render);</script>'
    h["/col/col1234/index.html"] = Resource(_page("政府信息公开年报", script).encode())
    api_items = []
    docx, _s, _t = _report(a3, 2022, "docx", 11)
    h["/art/2023/1/15/art_1234_567.html"] = Resource(
        _page("白石市清水县人民政府二〇二二年政府信息公开工作年度报告",
              '<a href="/module/download/a.docx">附件.docx</a>', pubdate="2023-01-15").encode(),
        delay=0.3,
    )
    h["/module/download/a.docx"] = Resource(docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    api_items.append({"title": "白石市清水县人民政府二〇二二年政府信息公开工作年度报告",
                      "url": "/art/2023/1/15/art_1234_567.html", "pubDate": "2023-01-15"})
    expected.add((a3.name, 2022))
    html4, _s, title4 = _report(a4, 2022, "html", 12)
    h["/art/2023/1/20/art_1234_568.html"] = Resource(html4)
    api_items.append({"title": title4, "url": "/art/2023/1/20/art_1234_568.html", "pubDate": "2023-01-20"})
    expected.add((a4.name, 2022))
    h["/art/2023/1/21/art_1234_569.html"] = Resource(
        _page("白石市清水县公安局2021年政府信息公开工作年度报告", '<a href="/module/download/b.doc">附件.doc</a>').encode()
    )
    h["/module/download/b.doc"] = Resource(b"\xd0\xcf\x11\xe0legacy word", "application/msword")
    api_items.append({"title": "白石市清水县公安局2021年政府信息公开工作年度报告",
                      "url": "/art/2023/1/21/art_1234_569.html", "pubDate": "2023-01-21"})
    h["/module/api/list.json"] = Resource(
        json.dumps({"data": {"list": api_items}}, ensure_ascii=False).encode(), "application/json"
    )
    return SiteFamily(trs, han, expected, ["/module/download/b.doc"])


def add_reports(family: SiteFamily, n: int, per_page: int = 20) -> int:
    """n more HTML reports on the TRS column, on extra list pages index_2.html … (for benches);
    returns how many list pages the column now has."""
    trs = family.trs
    pages = [[] for _ in range((n + per_page - 1) // per_page)]
    for i, ag in enumerate(generate_agencies(n, seed=7)):
        data, _s, title = _report(ag, 2022, "html", 1000 + i)
        path = f"/xxgk/ndbg/202301/t202301{(i % 28) + 1:02d}_{9000 + i}.htm"
        trs.resources[path] = Resource(data)
        pages[i // per_page].append(f'<li><a href="./{path.split("/ndbg/")[1]}">{title}</a></li>')
        family.expected.add((ag.name, 2022))
    first_extra = 2
    with trs.lock:
        last = trs.resources["/xxgk/ndbg/index_1.html"]
        last.body = last.body.replace(b"</ul>", f'</ul><a href="index_{first_extra}.html">下一页</a>'.encode("gbk"), 1)
        for k, items in enumerate(pages):
            nav = f'<a href="index_{first_extra + k + 1}.html">下一页</a>' if k + 1 < len(pages) else ""
            trs.resources[f"/xxgk/ndbg/index_{first_extra + k}.html"] = Resource(
                _page("政府信息公开年报", f"<ul>{''.join(items)}</ul>{nav}", charset="gbk").encode("gbk"),
                "text/html; charset=gbk",
            )
    return 2 + len(pages)
