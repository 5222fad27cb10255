"""Reflowing text: undo the hard wraps of text extracted from newspaper PDFs.

A line break is removed where the sentence goes on (育苗总量达9.97\\n亿株 → 9.97亿株), also
across the blank lines a column break leaves in mid-sentence (提出意见\\n\\n和建议) and
across a line that holds only a page or chunk marker (0.2万\\n3、\\n亩). It is kept where
a sentence ends (also at an ASCII full stop after a Chinese character), where the next
line is indented or opens a numbered item (二、 （三） 4.), between two rows of a flattened
table, and after a short line that stands alone or opens a paragraph before a much longer
line (a headline). Widths count a Chinese character as two columns. Nothing is inserted:
no space between CJK characters or digits.

Every character of the reflowed text maps back to its offset in the original, and from
there to a 1-based line and column: results always point into the file as it is on disk.

Line breaks: the characters Python's ``str.splitlines`` breaks at. \\n, \\r\\n and a lone \\r
(old Mac files, mixed endings) end a line, and only they count for line numbers (as in
editors and Python's universal newlines). \\v, NEL (U+0085) and U+2028 break the text like a
line break; \\f (pdftotext's page break), \\x1c-\\x1e and U+2029 like a blank line. Those
odd breaks, and a lone \\r, are \\n in the reflowed text (one character for one, so offsets
do not move); the column of a character counts them as one character each.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

#: a line ending in one of these ends its sentence
TERMINAL = frozenset("。！？!?；;…")
_CLOSERS = frozenset("”’」』）)】")
#: a line that starts with one of these continues the sentence before it
_CONTINUES = frozenset("，,。；;、：:％%）)」』”’")
#: a number cut by the break: a numeral character on both sides (１６，０５５，２ | ０６, 一千一 | 百多)
_NUMERALS = frozenset("0123456789０１２３４５６７８９.．点零〇一二三四五六七八九十百千万亿两")
#: a lone \r and the odd line breaks, each written \n in the reflowed text
_ODD_BREAKS = re.compile("\r(?!\n)|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_ANY_ODD = re.compile("[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
#: the odd breaks that part text like a blank line: a page, file, group, record or paragraph break
_PAGE_BREAKS = re.compile("[\f\x1c\x1d\x1e\u2029]")
#: what ends a line for line numbers: universal newlines
_EOL = re.compile("\r\n?|\n")
#: a line at least this share of its paragraph's widest line is full: it was wrapped
FULL_SHARE = 0.8
#: a paragraph's first line at most this share of the next line's width is a headline
HEADLINE_SHARE = 0.6


@dataclass
class Flow:
    """Reflowed text with its map back to the original."""

    text: str
    source: str
    seg_flat: list[int]
    seg_orig: list[int]
    line_starts: list[int]

    def orig_offset(self, i: int) -> int:
        """Offset in the original text of offset `i` of the reflowed text."""
        k = bisect_right(self.seg_flat, i) - 1
        return self.seg_orig[k] + (i - self.seg_flat[k])

    def line_col(self, i: int) -> tuple[int, int]:
        """1-based (line, column) in the original file of reflowed offset `i`."""
        o = self.orig_offset(i)
        line = bisect_right(self.line_starts, o)
        return line, o - self.line_starts[line - 1] + 1


def _ends_sentence(s: str) -> bool:
    """Does a stripped, non-empty line end its sentence (。, or 。” …, or the ASCII full
    stop a web copy puts after a Chinese character: 办结率100%. but not 9.)?"""
    last = s[-1]
    if last == "." and len(s) > 1:
        return not s[-2].isascii() or s[-2] in "%)\"'"
    return last in TERMINAL or (last in _CLOSERS and len(s) > 1 and s[-2] in TERMINAL)


#: punctuation a line may end with (a line ending in it is not cut in mid-figure)
_PUNCT = frozenset("，,。；;：:、！？!?…”’」』）)】《》〈〉“‘（(【—-")


def _cut_figure(s: str, nxt: str) -> bool:
    """Is a figure cut at this break: the line ends in an Arabic digit and the next goes on
    with a word, not with punctuation or a new number (120 / 亩, 318.9 / 亿元)?"""
    return s[-1] in "0123456789０１２３４５６７８９" and not nxt[0].isdigit() and nxt[0] not in _PUNCT


#: a line that opens a numbered item: 二、 （三） (4) 5. 6、 — a new paragraph, not a wrap
_ITEM = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d))")
#: a line that is only a page or chunk marker the extraction left: 3、 or — 12 — or - 12 -
_MARKER = re.compile(r"(?:\d{1,3}、|[—\-－]\s*\d{1,4}\s*[—\-－])")


_TOKEN = re.compile(r"\S+")
_PROSE = re.compile(r"[，。；！？]").search
#: a stripped line with white space inside: the only kind that can be a table row
_SPACED = re.compile(r"\S\s+\S").search
#: the line-start patterns open with the line break itself: `re` then skips ahead to each
#: break in C instead of trying every position (the text gets a leading break to match line 1)
_MARKER_LINE = re.compile(rf"\n[ \t\u3000]*{_MARKER.pattern}[ \t\u3000\r]*(?=\n|$)")
_ITEM_LINE = re.compile(rf"\n[ \t\u3000]*{_ITEM.pattern}")


def _lines_matching(pattern: re.Pattern, text: str, starts: list[int], n: int) -> list[bool]:
    """For each line, does `pattern` (opening with the break before the line) match it?"""
    flags = [False] * n
    for m in pattern.finditer("\n" + text):
        k = bisect_right(starts, m.start()) - 1   # the padded break at m.start() opens line k
        if starts[k] == m.start():
            flags[k] = True
    return flags





def table_cells(text: str, lo: int = 0, hi: int | None = None, merge: bool = True) -> list[tuple[int, int]]:
    """The cells of one line text[lo:hi] read as a flattened table row: runs parted by
    spaces, a short unit after a figure kept in its cell (5420 亩, 1000 万元) unless
    `merge` is false (a table with a 单位 column)."""
    cells: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text, lo, len(text) if hi is None else hi):
        a, b = m.span()
        if merge and cells and len(m.group()) <= 3 and not m.group()[0].isascii() \
                and not any(c.isdigit() for c in m.group()) and text[cells[-1][1] - 1].isdigit():
            cells[-1] = (cells[-1][0], b)
        else:
            cells.append((a, b))
    return cells


def _row_cells(s: str) -> int:
    """How many cells a line has if it reads as a flattened table row (three or more), else 0."""
    n = len(table_cells(s))
    return n if n >= 3 else 0


def _table_pair(a: str, b: str) -> bool:
    """Two lines of one table (header and row, or two rows): as many cells each (three or
    more), and the second ends in a figure or a dash. Prose with a spaced number
    (获得最高 1000 万元的) does not end in one."""
    ta, tb = a.split(), b.split()
    if len(ta) < 3 or len(tb) < 3:           # a merged count is never above the raw one
        return False
    if _PROSE(a) or _PROSE(b):               # sentence punctuation: prose with spaced numbers
        return False
    if len(ta) != len(tb) and not (_row_cells(a) and _row_cells(a) == _row_cells(b)):
        return False
    last = tb[-1]
    if not last[0].isdigit() and len(last) <= 3 and not any(c.isdigit() for c in last) and tb[-2][-1].isdigit():
        last = tb[-2]                         # a unit after its figure: 5000 亩
    return last[0].isdigit() or last[-1] in "%％—-－" or last[0] in "—-－+"


def _indented(line: str) -> bool:
    return line.startswith(("\u3000", "  ", "\t"))


def identity(text: str) -> Flow:
    """No reflow: every line stands on its own (`--no-reflow`)."""
    return Flow(_plain_breaks(text), text, [0], [0], _line_starts(text))


def _line_starts(text: str) -> list[int]:
    """Offsets where the lines of the original start (after \\n, \\r\\n or a lone \\r)."""
    if "\r" not in text:  # the common case, without a Python step per line
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts
    return [0, *(m.end() for m in _EOL.finditer(text))]


def _plain_breaks(text: str) -> str:
    """The text with each lone \\r and odd break written \\n (same length, same offsets)."""
    # a plain character class first: `re` scans for it fastest, and most text has none
    return _ODD_BREAKS.sub("\n", text) if _ANY_ODD.search(text) and _ODD_BREAKS.search(text) else text


def _page_lines(source: str, text: str) -> set[int]:
    """Indices of the lines (of text split at \\n) that end in a page break of the source."""
    out, line, pos = set(), 0, 0
    for m in _PAGE_BREAKS.finditer(source):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.add(line)
    return out


def reflow(text: str) -> Flow:
    """Join hard-wrapped lines; see the module docstring for when a break is kept.

    One pass over the lines (split, stripped and measured by C-level list operations); a
    Python step per line, none per character."""
    source, text = text, _plain_breaks(text)
    # lines that end in a page break: a blank line follows them
    pages = _page_lines(source, text) if text is not source else ()
    lines = text.split("\n")
    n = len(lines)
    stripped = [line.strip() for line in lines]
    starts = list(accumulate([len(line) + 1 for line in lines], initial=0))
    starts.pop()
    parts: list[str] = []
    seg_flat: list[int] = [0]
    seg_orig: list[int] = [0]
    flat_len = 0
    para_max = 0          # widest line so far in the current paragraph
    seg_start = 0         # original offset where the current segment started
    add_part, add_flat, add_orig = parts.append, seg_flat.append, seg_orig.append
    # lines that are only a page or chunk marker count as blank between two lines
    # which lines are markers, open an item or have spaces inside: each one regex over the
    # whole text, in C; the Python loop below only looks the answers up
    marker = _lines_matching(_MARKER_LINE, text, starts, n)
    item = _lines_matching(_ITEM_LINE, text, starts, n)
    # a stripped line with white space inside (only such lines can be table rows)
    spaced = [" " in x or "\t" in x or "\u3000" in x for x in stripped]
    # display widths: a Chinese character is two columns, an ASCII one (UTF-8 has 3 and 1
    # bytes: (bytes + characters) / 2)
    widths = [(len(x.encode("utf-8", "surrogatepass")) + len(x)) >> 1 for x in stripped]

    i = 0
    while i < n:
        s = stripped[i]
        if not s or marker[i]:
            para_max = 0
            i += 1
            continue
        if _ends_sentence(s):
            para_max = 0
            i += 1
            continue
        width = widths[i]
        j = i + 1
        while j < n and (not stripped[j] or marker[j]):
            j += 1
        nxt = lines[j] if j < n else ""
        gap = j > i + 1 or i in pages  # a blank line (or a page break) between
        if j == n or (nxt[:1] in "\u3000\t " and _indented(nxt)) or item[j] \
                or (spaced[i] and i and spaced[i - 1] and _table_pair(stripped[i - 1], s)) \
                or (spaced[j] and (spaced[i] and _table_pair(s, stripped[j])
                                   or j + 1 < n and spaced[j + 1] and _table_pair(stripped[j], stripped[j + 1]))):
            para_max = 0 if gap else max(para_max, width)
            i += 1
            continue
        nxt = stripped[j]
        if j > i + 1 and all(stripped[i + 1:j]):
            # only a marker between (人工造乔木林0.2万 / 3、 / 亩): joined where the text goes on
            join = para_max > 0 or (nxt[0] in _CONTINUES) or (s[-1] in _NUMERALS and nxt[0] in _NUMERALS) \
                or (s[-1] in _NUMERALS and not nxt[0].isdigit())
        elif not gap:
            # a short first line before a longer one is a headline, not a wrap
            join = para_max > 0 or width > HEADLINE_SHARE * widths[j]
        elif s[-1] in _NUMERALS and nxt[0] in _NUMERALS:
            join = True  # a number cut by a column or page break (9.97\\f亿株)
        elif para_max > 0:  # blank lines between: a column break if this line was full,
            # or where a figure is cut from its unit (栽植苗木71 / 万株, 最低标准 / 95%)
            join = width >= FULL_SHARE * para_max or _cut_figure(s, nxt) or (
                nxt[0].isdigit() and not s[-1].isascii() and s[-1] not in _PUNCT)
        else:  # …or, after a paragraph's first line, if the text plainly goes on
            join = (nxt[0] in _CONTINUES) or _cut_figure(s, nxt)
        if not join:
            para_max = 0 if gap else max(para_max, width)
            i += 1
            continue
        # keep the original text up to the end of the line, drop the break
        line = lines[i]
        end = starts[i] + (len(line) - 1 if line.endswith("\r") else len(line))
        add_part(text[seg_start:end])
        flat_len += end - seg_start
        seg_start = starts[j]
        add_flat(flat_len)
        add_orig(seg_start)
        if width > para_max:
            para_max = width
        i = j
    parts.append(text[seg_start:])
    # the line starts of the source: those of the split when it had only \n breaks
    line_starts = starts if text is source and "\r" not in text else _line_starts(source)
    return Flow("".join(parts), source, seg_flat, seg_orig, line_starts)
