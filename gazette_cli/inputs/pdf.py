"""PDF: the text layer, read with pypdfium2 (Apache-2.0/BSD), in reading order.

pdfium gives text in runs ("rects") with their boxes, in the order the content stream
drew them, which in a newspaper is often not the reading order. The order is rebuilt here
from the boxes, because no permissively licensed library does it for CJK columns: the
page's gutters are the vertical strips no run covers; runs that cross a gutter (headlines,
full-width blocks) cut the page into bands; each band is read column by column, left to
right, top to bottom. A vertical gap wider than a line, a column break and a page break
each give a blank line, across which reflow joins a sentence that goes on
(`获得最高 1000` | `万元的信用贷款`).
"""
from __future__ import annotations

from statistics import median

from ..errors import InputError
from .base import Issue, need

#: a strip at least this wide (points) that no run covers separates two columns
MIN_GUTTER = 6.0


def accepts(data: bytes, ext: str) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF") or ext == ".pdf"


def read(data: bytes, name: str) -> Issue:
    pdfium = need("pypdfium2", "pdf", "PDF", name)
    if not data[:1024].lstrip().startswith(b"%PDF"):
        raise InputError(f"{name}: not a PDF file (no %PDF header)")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise InputError(f"{name}: encrypted PDF (needs a password); decrypt it first, e.g. qpdf --decrypt") from None
        raise InputError(f"{name}: corrupt or truncated PDF ({str(exc).split('(')[-1].rstrip(')') or exc})") from None
    try:
        return _read(doc, name)
    finally:
        doc.close()


def _read(doc, name: str) -> Issue:
    lines: list[str] = []
    starts: list[int] = []
    empty: list[int] = []
    chars = 0
    for i in range(len(doc)):
        page = doc[i]
        try:
            tp = page.get_textpage()
            n = tp.count_chars()
            chars += n
            page_lines = _page_lines(tp, page.get_width()) if n else []
            tp.close()
        finally:
            page.close()
        if not "".join(page_lines).strip():
            empty.append(i + 1)
        if lines:
            lines.append("")          # a page break is a blank line
        starts.append(len(lines) + 1)
        lines.extend(page_lines)
    if len(doc) == 0:
        raise InputError(f"{name}: PDF without pages")
    if chars == 0 or len(empty) == len(doc):
        raise InputError(f"{name}: PDF has no text layer (a scan?); run OCR on it first, e.g. ocrmypdf --language chi_sim")
    warnings = []
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (" …" if len(empty) > 10 else "")
        warnings.append(f"{name}: page(s) {shown} have no text layer (scanned?); OCR them to read them")
    meta = {}
    try:
        info = doc.get_metadata_dict(skip_empty=True)
    except Exception:  # metadata is a nicety; a PDF whose info dictionary is broken still reads
        info = {}
    if info.get("Title"):
        meta["title"] = info["Title"]
    return Issue(path=name, text="\n".join(lines) + "\n", encoding="pdf", warnings=warnings, format="pdf",
                 page_starts=starts, reason=f"PDF text layer, {len(doc)} page(s)", meta=meta)


def _page_lines(tp, width: float) -> list[str]:
    """One page's text lines in reading order."""
    runs = []
    for k in range(tp.count_rects()):
        l, b, r, t = tp.get_rect(k)
        text = tp.get_text_bounded(l, b, r, t).replace("\r", "").replace("\n", "")
        if text.strip():
            runs.append((l, b, r, t, text))
    if not runs:
        return []
    cols = _columns(runs, width)
    spans, placed = [], []
    for run in runs:
        c = _column_of(run, cols)
        (spans if c is None else placed).append((c, run))
    spans.sort(key=lambda x: -x[1][3])
    # band of a run: how many spanning runs lie above it
    groups: dict[tuple[int, int], list] = {}
    for c, run in placed:
        mid = (run[1] + run[3]) / 2
        band = sum(1 for _, s in spans if (s[1] + s[3]) / 2 > mid)
        groups.setdefault((band, c), []).append(run)
    height = median(r[3] - r[1] for r in runs)
    out: list[str] = []
    for band in range(len(spans) + 1):
        for c in range(len(cols)):
            block = groups.get((band, c))
            if block:
                if out and out[-1] != "":
                    out.append("")    # a column break is a blank line
                out.extend(_lines(block, height))
        if band < len(spans):
            span_line = [spans[band][1]]
            if out and out[-1] != "":
                out.append("")
            out.extend(_lines(span_line, height))
    return out


def _columns(runs, width: float) -> list[tuple[float, float]]:
    """The page's columns as x intervals, split at strips covered by (almost) no run."""
    lo = min(r[0] for r in runs)
    hi = max(r[2] for r in runs)
    size = int(hi - lo) + 2
    cover = [0] * size
    for l, _, r, _, _ in runs:
        for x in range(int(l - lo), min(size, int(r - lo) + 1)):
            cover[x] += 1
    # a headline crossing a gutter covers it a few times; body text covers columns many times
    limit = max(1, int(0.05 * max(cover)))
    cols, start, x = [], 0, 0
    while x < size:
        if cover[x] <= limit:
            g = x
            while g < size and cover[g] <= limit:
                g += 1
            if g - x >= MIN_GUTTER and x > start and g < size:
                cols.append((lo + start, lo + x))
                start = g
            x = g
        else:
            x += 1
    cols.append((lo + start, hi))
    return cols


def _column_of(run, cols) -> int | None:
    """The column a run lies in, or None when it crosses a gutter."""
    l, r = run[0], run[2]
    for i, (a, b) in enumerate(cols):
        if l >= a - 2 and r <= b + 2:
            return i
    return None


def _lines(block, height: float) -> list[str]:
    """Runs of one column (or one spanning run) → text lines, top to bottom; a gap of more
    than half a line between two lines is a blank line (a paragraph break)."""
    block = sorted(block, key=lambda r: (-r[3], r[0]))
    rows: list[list] = []
    for run in block:
        mid = (run[1] + run[3]) / 2
        if rows and rows[-1][0] <= mid <= rows[-1][1]:
            row = rows[-1]
            row[0], row[1] = min(row[0], run[1]), max(row[1], run[3])
            row[2].append(run)
        else:
            rows.append([run[1], run[3], [run]])
    out: list[str] = []
    prev_bottom = None
    pitch = _pitch(rows, height)
    for bottom, top, members in rows:
        if prev_bottom is not None and prev_bottom - bottom > 1.3 * pitch:
            out.append("")
        members.sort(key=lambda r: r[0])
        text, last_r = "", None
        for l, b, r, t, s in members:
            # pdfium puts the spaces it sees inside runs; between two runs a space is added
            # only where Latin letters or digits would otherwise run together
            if (last_r is not None and l - last_r > 0.25 * (top - bottom) and text[-1:].isascii()
                    and text[-1:].isalnum() and s[:1].isascii() and s[:1].isalnum()):
                text += " "
            text += s
            last_r = r
        out.append(text)
        prev_bottom = bottom
    return out


def _pitch(rows, height: float) -> float:
    """The usual distance from one line's bottom to the next's: the body text's leading."""
    steps = [a[0] - b[0] for a, b in zip(rows, rows[1:]) if a[0] - b[0] > 0]
    return median(steps) if steps else height * 1.4
