"""Read a fetched HTML page: its links (classified), title, publication date and the report year.

Why one module: the CMS conventions of government sites (TRS WCM `index_1.html` lists and
`./202103/t20210305_80595.htm` items with PubDate/ArticleTitle metas; Hanweb `col/col1234/index.html`
lists and `art/2021/3/5/art_1234_567.html` items; plain static lists; lists rendered by script from a
JSON search API) all come down to "which links are list pages, which are report pages, which are
attachments". Words live in harvest/data/link_words.csv.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import cn2an
from bs4 import BeautifulSoup

DATA = Path(__file__).resolve().parent / "data" / "link_words.csv"
_TRS_ITEM = re.compile(r"/(\d{6})/t(\d{8})_\d+\.s?html?$")
_HANWEB_ITEM = re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_\d+_\d+\.html?$")
_LIST_PAGE = re.compile(r"/(index(_\d+)?\.s?html?|col/col\d+/index(_\d+)?\.html?|list(_\d+)?\.html?)$")
_YEAR = re.compile(r"(20\d{2})\s*年")
_CN_YEAR = re.compile(r"([二〇零○一二三四五六七八九]{4})\s*年")
_DATE = re.compile(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_JSON_API = re.compile(r"""["'](\S+?\.(?:json|do)(?:\?[^"']*)?)["']""")


@cache
def words() -> dict[str, tuple[str, ...]]:
    """kind → words, from the data file."""
    out: dict[str, list[str]] = {}
    with DATA.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["kind"], []).append(row["value"])
    return {k: tuple(v) for k, v in out.items()}


@dataclass(slots=True)
class Link:
    url: str
    text: str
    kind: str  # list|page|file|column|hop
    published: date | None = None


@dataclass(slots=True)
class Page:
    title: str
    published: date | None
    links: list[Link]
    api_urls: list[str]  # JSON endpoints a script-rendered list loads


def report_year(text: str) -> int | None:
    """The year a title names ('2020年', or in Chinese numerals '二〇二〇年')."""
    m = _YEAR.search(text or "")
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text or "")
    if m:
        digits = "".join(str(cn2an.cn2an(ch, "smart")) if ch not in "〇零○" else "0" for ch in m.group(1))
        return int(digits) if digits.isdigit() and digits.startswith("20") else None
    return None


def is_report_title(text: str) -> bool:
    return any(w in (text or "") for w in words()["report"]) and report_year(text) is not None


def parse_date(text: str) -> date | None:
    m = _DATE.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def date_from_url(url: str) -> date | None:
    """TRS ./YYYYMM/tYYYYMMDD_N.htm and Hanweb art/YYYY/M/D/ carry the publication date."""
    m = _TRS_ITEM.search(url)
    if m:
        d = m.group(2)
        return parse_date(f"{d[:4]}-{d[4:6]}-{d[6:]}")
    m = _HANWEB_ITEM.search(url)
    return parse_date(f"{m.group(1)}-{m.group(2)}-{m.group(3)}") if m else None


def _suffix(url: str) -> str:
    path = urlsplit(url).path.lower()
    return path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""


def classify(url: str, text: str, same_site: bool) -> str | None:
    """What a link is; None for links the harvester ignores."""
    text = " ".join((text or "").split())
    suffix = _suffix(url)
    if suffix in words()["attachment"] and suffix not in (".html", ".htm"):
        return "file"
    if not same_site:
        return None
    if any(w in text for w in words()["next"]) or (_LIST_PAGE.search(urlsplit(url).path) and text.isdigit()):
        return "list"
    if is_report_title(text):
        return "page"
    if any(w in text for w in words()["column"]):
        return "column"
    if any(w in text for w in words()["hop"]):
        return "hop"
    return None


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": name})
    return str(tag.get("content", "")).strip() if tag else ""


def read_page(html: str, base_url: str) -> Page:
    """Links, title (ArticleTitle meta or <title>), PubDate and script-API URLs of one page."""
    soup = BeautifulSoup(html, "lxml")
    host = urlsplit(base_url).netloc
    title = _meta(soup, "ArticleTitle") or (soup.title.get_text(strip=True) if soup.title else "")
    published = parse_date(_meta(soup, "PubDate")) or date_from_url(base_url)
    links: list[Link] = []
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = a.get_text(" ", strip=True) or str(a.get("title", ""))
        kind = classify(url, text, urlsplit(url).netloc == host)
        if kind:
            near = a.find_parent(["li", "tr"])
            when = parse_date(near.get_text(" ", strip=True)) if near else None
            links.append(Link(url, text, kind, when or date_from_url(url)))
    apis = [urljoin(base_url, m) for s in soup.find_all("script") for m in _JSON_API.findall(s.get_text())]
    return Page(title, published, links, apis)


def read_api(payload: bytes, base_url: str) -> list[Link]:
    """Items of a JSON list API ({"data"|"list"|"items": [{title, url, pubDate}]}, any nesting)."""
    try:
        doc = json.loads(payload.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    found: list[Link] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            title = str(node.get("title") or node.get("DOCTITLE") or "")
            url = str(node.get("url") or node.get("DOCPUBURL") or node.get("link") or "")
            if title and url and is_report_title(title):
                when = parse_date(str(node.get("pubDate") or node.get("DOCRELTIME") or ""))
                found.append(Link(urljoin(base_url, url), title, "page", when or date_from_url(url)))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return found
