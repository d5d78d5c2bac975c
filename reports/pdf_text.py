"""pdfplumber's reading of a page (lines, words, ruled tables, de-duplication) redone over plain char
dicts with the same results, for the pdfium path.

Why: with pdfium giving the objects, pdfplumber's generic machinery is most of the reading time — its
clustering builds dicts and sorts for every call, a table's cells are found by comparing every grid point
with every later one, and Table.extract tests every char against every row and cell. Each function here
follows one pdfplumber function step for step (named in its docstring) for the settings the readers use
(no layout, upright text, default tolerances), but indexes instead of scanning. The pdfminer path keeps
pdfplumber's own functions; tests/reports/test_pdf_text.py holds each against its original.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter

TOLERANCE = 3  # pdfplumber's default x/y tolerance for words and lines

Char = dict
BBox = tuple[float, float, float, float]


def _ligatures() -> dict[str, str]:
    from pdfplumber.utils.text import LIGATURES

    return LIGATURES


def cluster(items: Sequence, keys: Sequence[float], tolerance: float, keep_order: bool = False) -> list[list]:
    """pdfplumber.utils.cluster_objects: values chained within `tolerance` form a cluster; clusters in
    value order, items within one in their given order (`keep_order`: runs of consecutive items)."""
    if keys and max(keys) <= min(keys) + tolerance:  # one cluster (a one-line cell or word list)
        return [list(items)]
    ids: dict[float, int] = {}
    cid, last = -1, None
    for v in sorted(set(keys)):
        if last is None or v > last + tolerance:
            cid += 1
        ids[v] = cid
        last = v
    if keep_order:
        out: list[list] = []
        prev = None
        for item, k in zip(items, keys, strict=True):
            c = ids[k]
            if out and c == prev:
                out[-1].append(item)
            else:
                out.append([item])
            prev = c
        return out
    buckets: list[list] = [[] for _ in range(cid + 1)]
    for item, k in zip(items, keys, strict=True):
        buckets[ids[k]].append(item)
    return buckets


def words(chars: list[Char]) -> list[tuple[str, float, list[Char]]]:
    """(text, top, chars) of each word, in pdfplumber's WordExtractor order (lines by top, chars by x0;
    a blank char or a gap wider than the tolerance ends a word). All chars must be upright."""
    lig = _ligatures()
    out = []
    get_top, get_text = itemgetter("top"), itemgetter("text")
    for line in cluster(chars, list(map(get_top, chars)), TOLERANCE):
        line.sort(key=itemgetter("x0"))
        word: list[Char] = []
        last: Char | None = None  # word[-1]
        for ch in line:
            if ch["text"].isspace():
                if word:
                    out.append(word)
                word, last = [], None
            elif last is not None and (
                ch["x0"] < last["x0"]
                or ch["x0"] > last["x1"] + TOLERANCE
                or abs(ch["top"] - last["top"]) > TOLERANCE
            ):
                out.append(word)
                word = [ch]
                last = ch
            else:
                word.append(ch)
                last = ch
        if word:
            out.append(word)
    return [("".join([lig.get(t, t) for t in map(get_text, w)]), min(map(get_top, w)), w) for w in out]


def extract_text(chars: list[Char]) -> str:
    """pdfplumber.utils.extract_text(chars) without layout."""
    if not chars:
        return ""
    found = words(chars)
    lines = cluster(found, [w[1] for w in found], TOLERANCE)
    return "\n".join(" ".join(w[0] for w in line) for line in lines)


def text_lines(chars: list[Char]) -> list[dict]:
    """Page.extract_text_lines(return_chars=True) without layout: text, bbox and chars of each line (a
    ligature's char listed once per letter, as pdfplumber's text map does)."""
    lig = _ligatures()
    found = words(chars)
    out = []
    for line in cluster(found, [w[1] for w in found], TOLERANCE, keep_order=True):
        text = " ".join(w[0] for w in line)
        if not text.strip():
            continue
        line_chars = [c for w in line for c in w[2] for _ in lig.get(c["text"], c["text"])]
        out.append(
            {
                "text": text,
                "x0": min(c["x0"] for c in line_chars),
                "top": min(c["top"] for c in line_chars),
                "x1": max(c["x1"] for c in line_chars),
                "bottom": max(c["bottom"] for c in line_chars),
                "chars": line_chars,
            }
        )
    return out


def dedupe(chars: list[Char]) -> list[Char]:
    """Page.dedupe_chars: of glyphs with the same text, font and size within 1 pt of each other, the
    first by (doctop, x0) is kept; kept chars stay in page order. Only the groups `_crowded` finds are
    clustered one by one (most pages: none)."""
    crowded = _crowded(chars)
    if not crowded:
        return list(chars)
    groups: dict[tuple, list[Char]] = {}
    for c in chars:
        if c["text"] in crowded:
            groups.setdefault((c["upright"], c["text"], c["fontname"], c["size"]), []).append(c)
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) == 1:
            continue
        tops = sorted(c["doctop"] for c in group)
        if all(b > a + 1 for a, b in zip(tops, tops[1:], strict=False)):  # no two on one row: all kept
            continue
        for row in cluster(group, [c["doctop"] for c in group], 1):
            if len(row) == 1:
                continue
            xs = sorted(c["x0"] for c in row)
            if all(b > a + 1 for a, b in zip(xs, xs[1:], strict=False)):  # no two at one place
                continue
            for col in cluster(row, [c["x0"] for c in row], 1):
                if len(col) > 1:
                    keep = min(col, key=itemgetter("doctop", "x0"))
                    dropped.update(id(c) for c in col if c is not keep)
    return [c for c in chars if id(c) not in dropped] if dropped else list(chars)


def _crowded(chars: list[Char]) -> set[str]:
    """Texts of the glyphs dedupe may drop: a glyph's group (same text, font, size) drops one only when
    a row of it (tops chained within 1 pt) holds two glyphs whose x0 lie within 1 pt. Found here for
    groups by text alone (a group lies within one of these, so none is missed) with the same chaining
    as `cluster`, for all at once by two array sorts rather than per group in Python: every common
    character repeats on a line, so most groups would have their rows clustered."""
    import numpy as np

    n = len(chars)
    texts = list(map(itemgetter("text"), chars))
    gid = np.fromiter(map(hash, texts), np.int64, n)
    top = np.fromiter(map(itemgetter("doctop"), chars), np.float64, n)
    x0 = np.fromiter(map(itemgetter("x0"), chars), np.float64, n)
    order = np.lexsort((top, gid))  # by text, then top
    g, t = gid[order], top[order]
    new_row = np.ones(n, dtype=bool)
    new_row[1:] = (g[1:] != g[:-1]) | (t[1:] > t[:-1] + 1)
    row = np.empty(n, dtype=np.int64)
    row[order] = np.cumsum(new_row)
    order = np.lexsort((x0, row))  # by row (within its text), then x0
    r, x = row[order], x0[order]
    same_place = (r[1:] == r[:-1]) & ~(x[1:] > x[:-1] + 1)
    return {texts[i] for i in order[1:][same_place].tolist()}


# ------------------------------------------------------------------------------------------ ruled tables


def find_tables(objects: dict[str, list[dict]]) -> list:
    """Page.find_tables() with default settings, from the page's "line", "rect" and "curve" objects:
    the same edges, snapping, joining, intersections, cells and table grouping as pdfplumber, on tuples."""
    from pdfplumber.table import Table, cells_to_tables

    return [Table(None, group) for group in cells_to_tables(cells(intersections(edges(objects))))]


# an edge: [orientation, x0, top, x1, bottom, width, height] (the keys pdfplumber's table finder reads)
Edge = list


def edges(objects: dict[str, list[dict]]) -> list[Edge]:
    """TableFinder.get_edges for the "lines" strategy: page.edges (lines, rect sides, curve segments)
    at least 1 pt long, snapped and joined within 3 pt, then at least 3 pt long."""
    found: list[Edge] = []
    for o in objects.get("line", ()):
        found.append(
            [
                "h" if o["top"] == o["bottom"] else "v",
                o["x0"],
                o["top"],
                o["x1"],
                o["bottom"],
                o["width"],
                o["height"],
            ]
        )
    for o in objects.get("rect", ()):
        x0, top, x1, bottom, w, h = o["x0"], o["top"], o["x1"], o["bottom"], o["width"], o["height"]
        found += [
            ["h", x0, top, x1, top, w, 0],
            ["h", x0, top + h, x1, bottom, w, 0],
            ["v", x0, top, x0, bottom, 0, h],
            ["v", x1, top, x1, bottom, 0, h],
        ]
    for o in objects.get("curve", ()):
        for p0, p1 in zip(o["pts"], o["pts"][1:], strict=False):
            kind = "v" if p0[0] == p1[0] else ("h" if p0[1] == p1[1] else None)
            if kind:
                found.append(
                    [
                        kind,
                        min(p0[0], p1[0]),
                        min(p0[1], p1[1]),
                        max(p0[0], p1[0]),
                        max(p0[1], p1[1]),
                        abs(p0[0] - p1[0]),
                        abs(p0[1] - p1[1]),
                    ]
                )
    v = [e for e in found if e[0] == "v" and e[6] >= 1]
    h = [e for e in found if e[0] == "h" and e[5] >= 1]
    snapped = _snap(v, 1, (1, 3)) + _snap(h, 2, (2, 4))
    snapped.sort(key=lambda e: (e[0], e[2] if e[0] == "h" else e[1]))
    joined: list[Edge] = []
    for (kind, _), group in itertools.groupby(snapped, key=lambda e: (e[0], e[2] if e[0] == "h" else e[1])):
        joined += _join(list(group), kind)
    return [e for e in joined if (e[6] if e[0] == "v" else e[5]) >= 3]


def _snap(group: list[Edge], at: int, moved: tuple[int, int]) -> list[Edge]:
    """utils.snap_objects: edges within 3 pt of each other moved to their mean position (by adding the
    difference, as pdfplumber does)."""
    out = []
    for c in cluster(group, [e[at] for e in group], 3):
        avg = sum(e[at] for e in c) / len(c)
        for e in c:
            d = avg - e[at]
            e = list(e)
            e[moved[0]] += d
            e[moved[1]] += d
            out.append(e)
    return out


def _join(group: list[Edge], kind: str) -> list[Edge]:
    """table.join_edge_group: edges on one line that overlap or lie within 3 pt joined."""
    lo, hi = (1, 3) if kind == "h" else (2, 4)
    group.sort(key=itemgetter(lo))
    joined = [group[0]]
    for e in group[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + 3:
            if e[hi] > last[hi]:
                last = list(last)
                if kind == "h":
                    last[3], last[5] = e[3], e[3] - last[1]
                else:
                    last[6] = last[6] + (e[4] - last[4])
                    last[4] = e[4]
                joined[-1] = last
        else:
            joined.append(e)
    return joined


def intersections(found: list[Edge]) -> dict[tuple[float, float], tuple[set, set]]:
    """table.edges_to_intersections (3 pt): each crossing point → bboxes of its (vertical, horizontal)
    edges."""
    v = sorted((e for e in found if e[0] == "v"), key=itemgetter(1, 2))
    h = sorted((e for e in found if e[0] == "h"), key=itemgetter(2, 1))
    out: dict[tuple[float, float], tuple[set, set]] = {}
    for ve in v:
        for he in h:
            if ve[2] <= he[2] + 3 and ve[4] >= he[2] - 3 and ve[1] >= he[1] - 3 and ve[1] <= he[3] + 3:
                vs, hs = out.setdefault((ve[1], he[2]), (set(), set()))
                vs.add((ve[1], ve[2], ve[3], ve[4]))
                hs.add((he[1], he[2], he[3], he[4]))
    return out


def cells(points_at: dict[tuple[float, float], tuple[set, set]]) -> list[BBox]:
    """table.intersections_to_cells: for each grid point in order, the first (point below, point right)
    pair joined by edges to it and to a common bottom-right point."""

    def connects(p1: tuple, p2: tuple) -> bool:
        return (p1[0] == p2[0] and not points_at[p1][0].isdisjoint(points_at[p2][0])) or (
            p1[1] == p2[1] and not points_at[p1][1].isdisjoint(points_at[p2][1])
        )

    points = sorted(points_at)
    by_y: dict[float, list] = {}
    for p in points:  # sorted by x within each y
        by_y.setdefault(p[1], []).append(p)
    out = []
    for i, pt in enumerate(points):
        below = list(itertools.takewhile(lambda p, x=pt[0]: p[0] == x, points[i + 1 :]))
        row = by_y[pt[1]]
        right = row[row.index(pt) + 1 :]
        found = _smallest_cell(pt, below, right, points_at, connects)
        if found:
            out.append(found)
    return out


def _smallest_cell(
    pt: tuple, below: list, right: list, points_at: dict, connects: Callable[[tuple, tuple], bool]
) -> BBox | None:
    for below_pt in below:
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            if not connects(pt, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in points_at and connects(corner, right_pt) and connects(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


class Grid:
    """Which cells of one table a point lies in (half-open boxes, as Table.extract tests them), by the
    grid slot between consecutive cell edges instead of a test per cell."""

    def __init__(self, boxes: list[BBox]) -> None:
        self.boxes = boxes
        self.xs = sorted({c[0] for c in boxes} | {c[2] for c in boxes})
        self.ys = sorted({c[1] for c in boxes} | {c[3] for c in boxes})
        xi = {x: i for i, x in enumerate(self.xs)}
        yi = {y: i for i, y in enumerate(self.ys)}
        self.slots: dict[tuple[int, int], list[int]] = {}
        for k, (x0, top, x1, bottom) in enumerate(boxes):
            for ix in range(xi[x0], xi[x1]):
                for iy in range(yi[top], yi[bottom]):
                    self.slots.setdefault((ix, iy), []).append(k)

    def extract(self, table, held: list[list[Char]]) -> list[list[str | None]]:  # noqa: ANN001 - pdfplumber Table
        """Table.extract(): per row, per column the cell's text ("" when empty, None where no cell);
        `held`: the chars of each cell (from `assign`)."""
        index = {box: k for k, box in enumerate(self.boxes)}
        return [
            [None if box is None else extract_text(held[index[box]]) for box in row.cells]
            for row in table.rows
        ]


def assign(grids: list[Grid], chars: list[Char]) -> tuple[list[Char], list[list[list[Char]]]]:
    """(chars in no table cell, per grid the chars of each of its cells), in page order. A char belongs
    to a cell when its centre does (half-open box, as Table.extract tests it)."""
    held = [[[] for _ in g.boxes] for g in grids]
    if not grids:
        return list(chars), held
    free: list[Char] = []
    edges = [(g.xs, g.ys, len(g.xs) - 1, len(g.ys) - 1, g.slots) for g in grids]
    for ch in chars:
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        inside = False
        for (xs, ys, nx, ny, slots), cells in zip(edges, held, strict=True):
            ix, iy = bisect_right(xs, x) - 1, bisect_right(ys, y) - 1
            if 0 <= ix < nx and 0 <= iy < ny:
                for k in slots.get((ix, iy), ()):
                    cells[k].append(ch)
                    inside = True
        if not inside:
            free.append(ch)
    return free, held
