"""Reflowing text: undo the hard wraps of text extracted from newspaper PDFs.

A line break is removed where the sentence goes on (育苗总量达9.97\\n亿株 → 9.97亿株), also
across the blank lines a column break leaves in mid-sentence (提出意见\\n\\n和建议) and
across a line that holds only a page or chunk marker (0.2万\\n3、\\n亩, - 12 -, 第2版), and across
a chunk marker glued to the start of the next line (0.2万\\n3、亩). It is kept where
a sentence ends (also at an ASCII full stop after a Chinese character), where the next
line is indented or opens a numbered item (二、 （三） 4.), between two rows of a flattened
table, and after a short line that stands alone or opens a paragraph before a much longer
line (a headline). Widths count a Chinese character as two columns. Nothing is inserted:
no space between CJK characters or digits. A no-break, thin or narrow no-break space (a web
page's &nbsp;) is written " " (one for one). Before the lines are read, the stray spaces
typesetting or extraction leaves inside figures are taken out: thousands parted by a space
right before a unit (8 400亩, 1 000万元), a space after a figure's point (9. 97亿株).

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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add, sub

#: a line ending in one of these ends its sentence
TERMINAL = frozenset("。！？!?；;…")
_CLOSERS = frozenset("”’」』）)】")
#: a line that starts with one of these continues the sentence before it
_CONTINUES = frozenset("，,。；;、：:％%）)」』”’")
#: a number cut by the break: a numeral character on both sides (１６，０５５，２ | ０６, 一千一 | 百多)
_NUMERALS = frozenset("0123456789０１２３４５６７８９.．点零〇一二三四五六七八九十百千万亿两")
#: a lone \r and the odd line breaks, each written \n in the reflowed text
_ODD_BREAKS = re.compile("\r(?!\n)|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_ODD = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: the odd breaks that part text like a blank line: a page, file, group, record or paragraph break
_PAGE_BREAKS = re.compile("[\f\x1c\x1d\x1e\u2029]")
#: what ends a line for line numbers: universal newlines
_EOL = re.compile("\r\n?|\n")
_NL = re.compile("\n")
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


_ARABIC = frozenset("0123456789０１２３４５６７８９")


def _cut_digits(s: str, nxt: str) -> bool:
    """A number cut by the break: an Arabic digit on both sides (补植3 / 0至50株), even after a
    short first line of a paragraph (no headline ends in a digit that the next line goes on).
    Not before a year (附件1 / 2025年各县任务分解表: no figure runs on into a year)."""
    return s[-1] in _ARABIC and nxt[0] in _ARABIC and _YEAR_OPENS.match(nxt) is None


#: a line that opens with a year: 2025年, 1998 年
_YEAR_OPENS = re.compile(r"(?:1[89]|20)[0-9]{2}[ \t]*年")


def _cut_multiplier(s: str, nxt: str) -> bool:
    """A figure cut between its 万/亿 and its unit (完成防沙治沙任务46.8万 / 亩，其中…): no headline
    ends in a digit and 万 or 亿, so even a short first line of a paragraph goes on."""
    return s.endswith(("万", "亿", "萬", "億")) and _cut_figure(s, nxt)


#: a line that opens with a figure and its unit and then a comma or a stop: the clause it
#: sizes began on the line before (各项贷款余额 / 268.93亿元，同比增长…); not a date
_OPENS_WITH_FIGURE = re.compile(r"[0-9][0-9.．]*[万亿]?(?![年月日时])[^\s0-9.．，,。；;：:、]{1,3}[，,。；;]")


def _figure_goes_on(s: str, nxt: str) -> bool:
    """Does the clause of a line that ends in a word go on with a figure that opens the next
    line (各项贷款余额 / 268.93亿元，…)? Even a short first line of a paragraph then goes on: a
    headline is never followed by a figure and a comma."""
    return "\u3400" <= s[-1] <= "\u9fff" and _OPENS_WITH_FIGURE.match(nxt) is not None


def _ends_in_field(s: str) -> bool:
    """Does a line end in digits right after : - or / (08:10, 浏览次数:1206, 2025-01-08):
    a web page's byline or a date, not a figure that a break cut? Before a paragraph that
    opens with a number (2024年，…), the break is kept unless the line was full."""
    k = len(s)
    while k and s[k - 1] in _ARABIC:
        k -= 1
    return 0 < k < len(s) and s[k - 1] in ":：-/／"


#: punctuation a line may end with (a line ending in it is not cut in mid-figure)
_PUNCT = frozenset("，,。；;：:、！？!?…”’」』）)】《》〈〉“‘（(【—-")


def _cut_figure(s: str, nxt: str) -> bool:
    """Is a figure cut at this break: the line ends in an Arabic digit, or in one with 万/亿
    after it, and the next goes on with a word, not with punctuation or a new number (120 /
    亩, 318.9 / 亿元, 3.6万 / 亩, 1000万 / 元信用贷款)?"""
    end = s.rstrip("万亿萬億千百")
    return len(s) - len(end) <= 2 and end[-1:] in _ARABIC and not nxt[0].isdigit() and nxt[0] not in _PUNCT



#: a line that opens a numbered item: 二、 （三） (4) 5. 6、 — a new paragraph, not a wrap
_ITEM = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、.．](?!\d))")
#: a line that is only a page or chunk marker the extraction left: 3、 or — 12 — or - 12 -, or
#: a page header: 第2版, 第三版, 第 4 页 (a longer running head: `running_head`)
_MARKER = re.compile(r"(?:\d{1,3}、|[—\-－]\s*\d{1,4}\s*[—\-－]|第[ \t]*[\d一二三四五六七八九十]{1,3}[ \t]*[版页])")


#: a page reference: 第3版, 第 12 页 (led by 第: `re` skips ahead to each at C speed)
_PAGE_REF = re.compile(r"第[ \t]*[\d一二三四五六七八九十]{1,3}[ \t]*[版页]")
#: a running head's length at most, in characters
RUNNING_HEAD_CHARS = 40


def running_head(s: str) -> bool:
    """Is a stripped line a newspaper's running head or a continuation note, page furniture
    passed over like a page number (when it stands between two lines of text): short, a page
    reference in it, no sentence punctuation (清源日报  2025年3月5日  星期三  第3版, （下转第2版）,
    第二版：要闻)?"""
    return len(s) <= RUNNING_HEAD_CHARS and _PAGE_REF.search(s) is not None and not _PROSE_MARKS(s)


#: sentence punctuation: a line that holds one is prose, not a table row (PROSE_MARK); a
#: running head holds none of the ASCII marks of a web copy either (_PROSE_MARKS)
PROSE_MARK = re.compile(r"[，。；！？]").search
_PROSE_MARKS = re.compile(r"[，。；！？,;!?]").search


def _between_lines(stripped: list[str], k: int) -> bool:
    """Does line k stand between two lines of text, no blank line next to it, the line before
    at least as wide as it: a running head inside a column of text? (At the top of a page,
    among the masthead's short lines or next to a blank line, it is left to the other rules.)"""
    return 0 < k < len(stripped) - 1 and bool(stripped[k + 1]) and bool(stripped[k - 1]) \
        and _width(stripped[k - 1]) >= _width(stripped[k])


_TOKEN = re.compile(r"\S+")


#: what opens a line that says something about the line: only a page or chunk marker (a
#: `marker` group), or an indent or a numbered item (a paragraph opens). Led by the break before
#: the line, so that `re` skips ahead to each break in C, and by a look at the next character,
#: so that most lines fail at once. Look-aheads only: a marker that runs over lines (— / 12 /
#: —) takes no line start from the others
_LINE_FACT_BODY = (r"(?=[ \t\u3000\d一二三四五六七八九十（(—\-－第])"
                   rf"(?=(?P<marker>[ \t\u3000]*{_MARKER.pattern}[ \t\u3000\r]*(?=\n|$))"
                   rf"|[ \t\u3000]*{_ITEM.pattern}|\u3000|  |\t)")
_LINE_FACT = re.compile(r"\n" + _LINE_FACT_BODY)
_FIRST_LINE_FACT = re.compile(_LINE_FACT_BODY)   # the first line has no break before it
#: a line that opens with a short name, a space and a figure, after a line that ends in a
#: figure and its unit (not a bare number: 年度任务 580 / 亩的 15.9 倍 is a wrap): the next item of a list written one a line (东城区 312.5亿元，同比增长10.6% /
#: 临河县 168.3亿元，…), which opens a paragraph as a numbered item does: a wrap never leaves
#: a name and a spaced figure at the start of a line right after a figure
ROW_ITEM = re.compile(r"\n(?:(?<=[0-9][^\s0-9.．,，、。；;：:]\n)|(?<=[0-9][^\s0-9.．,，、。；;：:]{2}\n))"
                      r"(?=[\u4e00-\u9fff]{2,8}[ \t\u3000]+[0-9])")


#: a chunk marker glued to the start of a line: 3、亩 (a document site numbers the chunks it
#: cut a text into, each at the start of a line)
_GLUED_MARKER = re.compile(r"\d{1,3}、(?=\S)")
_GLUED_LINE = re.compile(r"\n\d{1,3}、\S")   # led by the break: `re` skips ahead to each one


def glued_marker(prev: str, line: str) -> int:
    """The length of the chunk marker that opens `line` (a line as it is, not stripped) right
    after the stripped line `prev`, or 0: 人工造乔木林0.1万 / 3、亩, 其中:人工造林0.1万亩 / 2、;封山育林.
    A marker, not a numbered item (3、加强…), when the line before goes on in mid-word (it ends
    in no punctuation) and is no headline (as wide as HEADLINE_SHARE of the rest of the line
    or more: 一、主要任务完成情况 / 1、造林绿化。全年… is a headline and its first item)."""
    m = _GLUED_MARKER.match(line)
    if m is None or not prev or prev[-1] in _PUNCT or prev[-1] in TERMINAL or prev[-1] in _CLOSERS:
        return 0
    if _width(prev) <= HEADLINE_SHARE * _width(line[m.end():].strip()):
        return 0
    return m.end()


def _chunk_marks(text: str, lines: list[str], stripped: list[str], starts: list[int]) -> dict[int, int]:
    """The lines that open with a chunk marker glued to them (`glued_marker`): line → the
    marker's length. Their stripped line loses the marker. One C-speed pass finds the lines
    that open with digits and 、."""
    marks: dict[int, int] = {}
    for m in _GLUED_LINE.finditer(text):   # (the first line has none: no line before it)
        k = bisect_left(starts, m.start() + 1)
        if k:
            length = glued_marker(stripped[k - 1], lines[k])
            if length:
                marks[k] = length
                stripped[k] = stripped[k][length:]
    return marks


def _ends_in_figure(text: str, a: int, b: int) -> bool:
    """Does text[a:b] end in a digit, or in 万/亿 after one (2.15亿 元: the unit goes with it)?"""
    k = b
    while k > a and k > b - 2 and text[k - 1] in "万亿萬億":
        k -= 1
    return k > a and text[k - 1].isdigit()


def table_cells(text: str, lo: int = 0, hi: int | None = None, merge: bool = True) -> list[tuple[int, int]]:
    """The cells of one line text[lo:hi] read as a flattened table row: runs parted by
    spaces, a short unit after a figure kept in its cell (5420 亩, 1000 万元, 2.15亿 元) unless
    `merge` is false (a table with a 单位 column)."""
    cells: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text, lo, len(text) if hi is None else hi):
        a, b = m.span()
        if merge and cells and len(m.group()) <= 3 and not m.group()[0].isascii() \
                and not any(c.isdigit() for c in m.group()) and _ends_in_figure(text, *cells[-1]):
            cells[-1] = (cells[-1][0], b)
        else:
            cells.append((a, b))
    return cells


def _row_cells(s: str) -> int:
    """How many cells a line has if it reads as a flattened table row (three or more), else 0."""
    n = len(table_cells(s))
    return n if n >= 3 else 0


#: a gap between two table cells that prose never has: two spaces or more, or a tab
WIDE_GAP = re.compile(r"[ \u3000]{2,}|\t")


def _pipe_cells(s: str) -> list[str]:
    """The cells of a row written with | between them (| 序号 | 单位 | 满意率 |)."""
    return [c.strip() for c in s.strip().strip("|").split("|")]


def _table_pair(a: str, b: str) -> bool:
    """Two lines of one table (header and row, or two rows): as many cells each (three or
    more), and the second ends in a figure or a dash. Prose with a spaced number
    (获得最高 1000 万元的) does not end in one. A last column of notes may be empty in one of
    them: a header ending in 备注 over a row one cell short, a row ending in a note (含石漠化治理区)
    after one without."""
    if a.count("|") >= 2 and b.count("|") >= 2:    # cells parted by | (a table copied from a web page)
        ta, tb = _pipe_cells(a), _pipe_cells(b)
        return len(ta) >= 3 and len(ta) == len(tb) and bool(tb[-1]) and \
            (tb[-1][0].isdigit() or tb[-1][-1] in "%％—-－" or tb[-1][0] in "—-－+")
    ta, tb = a.split(), b.split()
    if abs(len(ta) - len(tb)) == 1 and not (PROSE_MARK(a) or PROSE_MARK(b)):
        # a last column of notes, empty in one of the two
        longer = ta if len(ta) > len(tb) else tb
        if longer[-1] in _NOTE_HEADERS or (longer is tb and _HAN(longer[-1]) is not None
                                           and not any(c.isdigit() for c in longer[-1])):
            a, b = (a.rsplit(None, 1)[0], b) if longer is ta else (a, b.rsplit(None, 1)[0])
            ta, tb = a.split(), b.split()
    if len(ta) < 3 or len(tb) < 3:           # a merged count is never above the raw one
        return False
    if PROSE_MARK(a) or PROSE_MARK(b):   # sentence punctuation: prose with spaced numbers
        return False
    if len(ta) != len(tb) and not (_row_cells(a) and _row_cells(a) == _row_cells(b)):
        return False
    wa, wb = WIDE_GAP.split(a.strip()), WIDE_GAP.split(b.strip())
    if len(wa) >= 3 and len(wa) == len(wb):
        return True                           # cells parted by wide gaps: a row ending in words (LPR下浮30个基点)
    last = tb[-1]
    if not last[0].isdigit() and len(last) <= 3 and not any(c.isdigit() for c in last) and tb[-2][-1].isdigit():
        last = tb[-2]                         # a unit after its figure: 5000 亩
    return last[0].isdigit() or last[-1] in "%％—-－" or last[0] in "—-－+"


#: how many lines before a paragraph's first line tell the width of its column
COLUMN_LINES = 8


def _fills_column(stripped: list[str], i: int) -> bool:
    """Is line i about as wide (FULL_SHARE) as its column: the widest but one of the (up to
    COLUMN_LINES) non-empty lines before it, at least three (one line, a byline or a table
    row, may be wider than the column)? Then a break after it cut its text."""
    widths = [_width(stripped[k]) for k in range(max(0, i - 2 * COLUMN_LINES), i) if stripped[k]]
    widths = sorted(widths[-COLUMN_LINES:])
    return len(widths) >= 3 and _width(stripped[i]) >= FULL_SHARE * widths[-2]


def identity(text: str) -> Flow:
    """No reflow: every line stands on its own (`--no-reflow`)."""
    return Flow(_plain_breaks(text), text, [0], [0], _line_starts(text))


def _line_starts(text: str) -> list[int]:
    """Offsets where the lines of the original start (after \\n, \\r\\n or a lone \\r)."""
    # the end of each break, taken from the matches in C; a plain \n (the common case) is the
    # pattern `re` finds fastest
    return [0, *map(re.Match.end, (_EOL if "\r" in text else _NL).finditer(text))]


def _plain_breaks(text: str) -> str:
    """The text with each lone \\r and odd break written \\n (same length, same offsets)."""
    # most text has none: one `in` per character (a C search each) is four times faster
    # than a regex character class
    if any(c in text for c in _ODD) and _ODD_BREAKS.search(text):
        return _ODD_BREAKS.sub("\n", text)
    return text


def _page_lines(source: str, text: str) -> set[int]:
    """Indices of the lines (of text split at \\n) that end in a page break of the source."""
    out, line, pos = set(), 0, 0
    for m in _PAGE_BREAKS.finditer(source):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.add(line)
    return out


#: what a line is, one letter per line (see `_kinds`); upper case: the line opens a
#: paragraph (it is indented or opens a numbered item), so the line before it is not joined
#:   b  blank, or only a page or chunk marker (passed over)
#:   e  ends its sentence
#:   c  goes on: joined to the next line unless that opens a paragraph or, for the first line
#:      of a paragraph, the line is a headline (see `reflow`)
#:   x  goes on, but it, the line before or the next one may be a row of a table
#:   p  goes on, and a page break follows it
#: what a line is by its last character: ends its sentence (e), goes on (c, the default) or
#: `_ends_sentence` must look further (?: 。” or 100%. but not 9.)
_BY_LAST = {**dict.fromkeys(_CLOSERS | {"."}, "?"), **dict.fromkeys(TERMINAL, "e")}
#: the next line that is not blank (nor a marker)
_NOT_BLANK = re.compile("[^b]")
#: a line that resets the paragraph: blank (or a marker) or the end of a sentence
_RESETS = str.maketrans("beEcCxXpP", "rrr------")
#: paragraphs joined at a time into the reflowed text (see `_flow`)
_BLOCK = 4096
#: 0 for 1 and 1 for 0, byte by byte
_NOT = bytes.maketrans(b"\0\x01", b"\x01\0")


def _lines_of(kinds: str, letters: str) -> int:
    """The lines whose letter is one of `letters`, as a set of bits: an int with one byte per
    line (line k in byte k from the low end), 1 for those lines. Shifting it by 8 moves to the
    next line, & and | combine sets: a test on neighbouring lines runs over all lines at
    once, in C."""
    return int.from_bytes(kinds.translate(_one_for(letters)).encode("latin-1"), "little")


@lru_cache(maxsize=None)
def _one_for(letters: str) -> dict[int, str]:
    """A translation of every line letter to \\x01 if it is one of `letters`, else to \\0."""
    return {ord(c): "\x01" if c in letters else "\0" for c in "bBeEcCxXpP"}


def _width(s: str) -> int:
    """Display width: a Chinese character is two columns, an ASCII one (UTF-8 has 3 and 1
    bytes: (bytes + characters) / 2)."""
    try:
        return (len(s.encode()) + len(s)) >> 1
    except UnicodeEncodeError:   # a lone surrogate: 3 bytes too (the plain encode is faster)
        return (len(s.encode("utf-8", "surrogatepass")) + len(s)) >> 1


def _most_width(n: int) -> int:
    """The most a line of `n` characters can measure (4 UTF-8 bytes each): a test that holds
    against it holds against the real width, which then need not be measured (most lines of
    a column are about as long as each other)."""
    return (5 * n) >> 1


def _row_like(s: str) -> bool:
    """Can a stripped line with spaces inside be one of a `_table_pair`?"""
    return len(s.split()) >= 3 and not PROSE_MARK(s)


def _spaced_lines(stripped: list[str]) -> set[int]:
    """Indices of the stripped lines with a space, tab or ideographic space inside. `str.find`
    over the lines joined, one step per such line (skipping to the next line), not per line
    (over the text itself, every indented line would take a step)."""
    joined, out = "\n".join(stripped), set()
    find, count = joined.find, joined.count
    for space in " \t\u3000":
        line, pos = 0, 0
        i = find(space)
        while i >= 0:
            line += count("\n", pos, i)
            pos = i
            out.add(line)
            i = find("\n", i)
            if i < 0:
                break
            i = find(space, i)
    return out


def _kinds(text: str, stripped: list[str], starts: list[int], pages) -> tuple[str, set[int]]:
    """One letter per line (b, e, c, x, p: see the comment above `_BY_LAST`), and the
    lines that may be table rows.

    One list operation over the lines (the last character), then a pass over the whole text
    for each rarer fact, with a Python step only where it is found."""
    by_last = _BY_LAST.get
    kinds = [by_last(s[-1], "c") if s else "b" for s in stripped]
    letters = "".join(kinds)
    k = letters.find("?")
    while k >= 0:   # 。” or 100%. may end a sentence, 9. does not
        kinds[k] = "e" if _ends_sentence(stripped[k]) else "c"
        k = letters.find("?", k + 1)
    first = _FIRST_LINE_FACT.match(text)
    facts = [(0, first)] if first else []
    facts += [(bisect_left(starts, m.end()), m) for m in _LINE_FACT.finditer(text)]
    facts += [(bisect_left(starts, m.end()), m) for m in ROW_ITEM.finditer(text)]
    marker_end = -1
    for k, m in facts:
        if m.lastgroup == "marker":
            # a marker that runs over lines (— / 12 / —) is one marker: its last line
            # starts none of its own (— / 3 / — after it would make 123 of two page numbers)
            if m.start("marker") >= marker_end:
                kinds[k] = "b"       # a marker line counts as blank between two lines
                marker_end = m.end("marker")
        elif kinds[k] != "b":    # (a blank line may be indented too: it stays blank)
            kinds[k] = kinds[k].upper()
    for m in _PAGE_REF.finditer(text):   # a running head or a continuation note: like a marker
        k = bisect_right(starts, m.start()) - 1
        if kinds[k] != "b" and _between_lines(stripped, k) and running_head(stripped[k]):
            kinds[k] = "b"
    # only a line with white space inside can be a table row (and only one of three cells or
    # more without sentence punctuation: `_table_pair`); a break next to two such lines in a
    # row is decided line by line (a line with no other such line next to it, blank lines
    # aside, is never one of a pair: left out)
    spaced, letters, paired = sorted(_spaced_lines(stripped)), "".join(kinds), set()
    for a, b in zip(spaced, spaced[1:]):
        if letters.count("b", a + 1, b) == b - a - 1:   # next to each other, or only blank between
            paired.update((a, b))
    rows = {k for k in paired if _row_like(stripped[k])}
    for k in rows:
        if k + 1 in rows:
            for t in range(max(k - 1, 0), k + 2):
                if kinds[t] in "cC":
                    kinds[t] = "x" if kinds[t] == "c" else "X"
    for k in pages:
        if kinds[k] in "cCxX":
            kinds[k] = "p" if kinds[k] in "cx" else "P"
    return "".join(kinds), rows


def reflow(text: str) -> Flow:
    """Write no-break and thin spaces as spaces (`_plain_spaces`), take the stray spaces out
    of figures (`_stray_spaces`), write a table written one cell a line as rows
    (`_vertical_rows`), then join hard-wrapped lines (`_reflow`). The map of the flow points
    into `text` as it is."""
    spaced = _plain_spaces(text)
    drops = _stray_spaces(spaced)
    if not drops:
        plain = _vertical_rows(spaced)
        flow = _reflow(plain)
        flow.source = text
        if plain is not spaced:   # line breaks became tabs: the lines are the original's
            flow.line_starts = _line_starts(text)
        return _wrapped_spaces(flow, flow.seg_flat)
    flow = _reflow(_vertical_rows(_cut_out(spaced, drops)))
    joins = flow.seg_flat[:]      # where lines were joined (the map gains a split per drop next)
    return _wrapped_spaces(_through(flow, text, drops), joins)


def _wrapped_spaces(flow: Flow, joins: list[int]) -> Flow:
    """`flow` less the stray spaces of figures that a hard wrap had cut (4 26 / 0万元, 1 2 /
    40万株, 1 / ␠260万株): found once the lines are joined, where `_stray_spaces` first looks
    at the lines as they are (a table row counts its cells by then). `joins`: the offsets of
    the flow where a line was joined to the one before."""
    if not _MAYBE_JOINED.search(flow.text):
        return flow
    drops = _stray_spaces(flow.text, joins)
    return _without(flow, drops) if drops else flow


#: a space between digits (`_FIGURE_SPACE`) that a joined line break may have made a figure of
_MAYBE_JOINED = re.compile("[0-9.．] [0-9]")


def _cut_out(text: str, drops: list[int]) -> str:
    """`text` without the characters at `drops` (sorted offsets)."""
    return "".join(text[a + 1:b] for a, b in zip([-1, *drops], [*drops, len(text)]))


def _without(flow: Flow, drops: list[int]) -> Flow:
    """`flow` with the characters of its text at `drops` (sorted) taken out, its map kept:
    each segment is split after each character taken out."""
    text = flow.text
    kept = _cut_out(text, drops)
    bounds = flow.seg_flat + [len(text)]
    seg_flat: list[int] = []
    seg_orig: list[int] = []

    def add(f: int, o: int) -> None:
        if seg_flat and seg_flat[-1] == f:     # an empty segment: the one after it stands
            seg_orig[-1] = o
        else:
            seg_flat.append(f)
            seg_orig.append(o)
    d = 0                                      # drops before the segment
    for k, f in enumerate(flow.seg_flat):
        o, end = flow.seg_orig[k], bounds[k + 1]
        while d < len(drops) and drops[d] < f:
            d += 1
        add(f - d, o)
        while d < len(drops) and drops[d] < end:
            x = drops[d]
            d += 1
            add(x + 1 - d, o + x + 1 - f)
    return Flow(kept, flow.source, seg_flat, seg_orig, flow.line_starts)


#: a table cell that is a figure (3.0亿元, 88.0%, 1200, 1.2万亩, 5860 件) and so no label: a number
#: and a short unit; a label may hold a date or period (2025年目标, 1—9月发放, 1-6月累计, 第一季度).
#: Read with fullmatch
FIGURE_CELL = re.compile(r"[-+−]?\d[\d.,，．]*+\s*(?![年月日季周])[^\s\d.．,，、。；;:：一二三四五六七八九十百千零两]{0,3}")
#: …or a dash or slash where the table has no figure
NO_FIGURE = re.compile(r"[—–\-－/／]{1,2}")
_HAN = re.compile(r"[\u3400-\u9fff]").search
#: runs of short lines with no sentence punctuation, nor a space but after a figure (5860 件),
#: a colon only after the first character (a header's 其中：返乡创业贷款, a caption's 单位：万元),
#: or blank (an empty cell: a 备注 column with nothing in it),
#: inside: where a table copied from a web page, one cell a line, can be (a line ends in \n
#: or \r\n)
_SHORT_LINES = (r"(?:(?:[ \t\u3000]*[^\s，。；！？,;!?：:](?:[^\s，。；！？,;!?]|(?<=[0-9]) (?=\S)){0,11})?"
                r"[ \t\u3000]*\r?\n){9,}")
#: (after a line break: `re` skips to each at C speed; a run at the very start: _SHORT_START)
_SHORT_RUN = re.compile(rf"\n({_SHORT_LINES})")
_SHORT_START = re.compile(_SHORT_LINES)
#: two short lines in a row that each open with a digit or a dash, as two cells of a row do:
#: led by the line break, so that `re` skips to each at C speed; most text has none, and the
#: two patterns above are never run on it
_MAYBE_CELLS = re.compile(r"\n[ \t]*[-+−—–－/／0-9][^\n]{0,12}\n[ \t]*[-+−—–－/／0-9][^\n]{0,12}\n")


def _vertical_rows(text: str) -> str:
    """`text` with each table written one cell a line (a web page's table copied as text)
    written as rows: the line breaks inside the header and inside each row become tabs, one
    character for one (offsets and lines do not move). Such a table is a run of short lines:
    a header of three labels or more, then rows of as many lines, each a label and then
    figures (区县 / 派单量 / 回访满意率 / 海城区 / 5860件 / 96.8% / 港湾区 / …), two rows at
    least. Reflow would join the cells into one line, and which figure sits under which
    label would be lost. Hand-written: no library reads a table out of bare lines."""
    if _MAYBE_CELLS.search(text) is None:
        return text
    opening = _SHORT_START.match(text)    # a run at the very start, then those after a break
    runs = [opening.span()] if opening else []
    runs += [m.span(1) for m in _SHORT_RUN.finditer(text, opening.end() if opening else 0)]
    if not runs:
        return text
    out = None
    for lo, hi in runs:
        spans = [(m.start(), m.end()) for m in _NL.finditer(text, lo, hi)]
        starts = [lo] + [e for _, e in spans[:-1]]
        cells = [text[a:b[0]].strip() for a, b in zip(starts, spans)]
        for first, k, rows in _vertical_tables(cells):
            out = out or list(text)
            for row in range(rows + 1):               # the header, then each row
                base = first + row * k
                for i in range(base, base + k - 1):   # the breaks inside it
                    a, b = spans[i]
                    out[a - (text[a - 1] == "\r"):b] = "\t" * (b - a + (text[a - 1] == "\r"))
    return text if out is None else "".join(out)


def _is_figure(cell: str) -> bool:
    return FIGURE_CELL.fullmatch(cell) is not None or NO_FIGURE.fullmatch(cell) is not None


def _is_label(cell: str) -> bool:
    """A word of two characters or more with a Chinese one in it, and no figure (2025年目标 is one)."""
    return len(cell) >= 2 and _HAN(cell) is not None and not _is_figure(cell)


#: the header of a table's last column that holds words, not figures (含石漠化治理区)
_NOTE_HEADERS = frozenset({"备注", "说明", "附注", "备 注"})
#: the header of a first column of row numbers (序号 / 1 / 县住建局 / 486 / 97.94%)
_NUMBER_HEADERS = frozenset({"序号", "编号", "排名", "名次"})


def _rows_under(cells: list[str], first: int, k: int, numbered: bool) -> int:
    """How many rows of k cells follow the header cells[first:first + k]: a label (after its
    number when `numbered`), then figures or empty cells, a figure at least (words in a last
    column of notes)."""
    note = cells[first + k - 1] in _NOTE_HEADERS
    n, rows = len(cells), 0
    while first + (rows + 2) * k <= n:
        row = cells[first + (rows + 1) * k:first + (rows + 2) * k]
        if numbered:
            if not row[0].isdigit():
                break
            row = row[1:]
        figures = row[1:-1] if note else row[1:]   # a note column holds words
        if not _is_label(row[0]) or not all(c == "" or _is_figure(c) for c in figures) or not any(figures):
            break
        rows += 1
    return rows


def _vertical_tables(cells: list[str]):
    """(first line, cells a row, rows) of each table written one cell a line in a run of
    short lines: k labels (words of two characters or more, a Chinese one among them), then
    rows of k lines, a label and k - 1 figures each (a blank line for an empty cell, a figure
    at least; under a last header of 备注 or 说明, any words). Under a first header of 序号
    each row opens with its number, then its label."""
    n, i = len(cells), 0
    while i < n:
        lead = i
        while lead < n and not _is_figure(cells[lead]):
            lead += 1
        # the labels before the first figure: a header (k) and the first row's label, or a
        # header whose rows open with their number (序号); lines before the header (a title)
        # are tried away one by one
        found = None
        for first in range(i, lead - 2):
            for numbered in (False, True):
                k = lead - first if numbered else lead - 1 - first
                if k < 3 or not all(map(_is_label, cells[first:first + k])) \
                        or (numbered and cells[first] not in _NUMBER_HEADERS):
                    continue
                rows = _rows_under(cells, first, k, numbered)
                if rows >= 2:
                    found = (first, k, rows)
                    break
            if found:
                break
        if found is None:
            i = lead + 1
            while i < n and _is_figure(cells[i]):
                i += 1
            continue
        yield found
        i = found[0] + (found[2] + 1) * found[1]


#: the spaces a web page or a typeset PDF puts where a space is meant: a no-break space
#: (&nbsp;: 5000&nbsp;亩), a thin and a narrow no-break space (a typeset 千分空: 8 400亩).
#: Written " " in the flow, one for one: the scan reads them as spaces (5000 亩)
_ODD_SPACES = "\u00a0\u2009\u202f"
_AS_SPACE = str.maketrans(_ODD_SPACES, " " * len(_ODD_SPACES))


def _plain_spaces(text: str) -> str:
    """`text` with `_ODD_SPACES` written " " (same length, same offsets); most text has none."""
    if any(c in text for c in _ODD_SPACES):
        return text.translate(_AS_SPACE)
    return text


def _reflow(text: str) -> Flow:
    """Join hard-wrapped lines; see the module docstring for when a break is kept.

    What each line is comes from list operations and passes over the whole text (`_kinds`,
    one letter per line); the lines joined whatever came before them are found by tests over
    all lines at once (`_lines_of`); only the rest (one line in five or six in hard-wrapped
    newspaper text: first lines of paragraphs, lines before a blank line, table rows, page
    breaks) takes a Python step of its own. The text and its map are then built by list
    operations."""
    source, text = text, _plain_breaks(text)
    # lines that end in a page break: a blank line follows them
    pages = _page_lines(source, text) if text is not source else ()
    lines = text.split("\n")
    n = len(lines)
    # where each line starts, and (the last entry) one past the end of the text
    starts = list(accumulate(map(add, map(len, lines), repeat(1)), initial=0))
    stripped = list(map(str.strip, lines))
    marks = _chunk_marks(text, lines, stripped, starts)
    kinds, rows = _kinds(text, stripped, starts, pages)
    if marks:   # a line that opens with a chunk marker opens no numbered item
        kinds = "".join(kinds[k].lower() if k in marks else c for k, c in enumerate(kinds))
    resets = kinds.translate(_RESETS)

    def table_kept(i: int, j: int) -> bool:
        """Is the break after line i (next non-blank line j) kept between two table rows?"""
        return (i in rows and i - 1 in rows and _table_pair(stripped[i - 1], stripped[i])) \
            or (j in rows and (i in rows and _table_pair(stripped[i], stripped[j])
                               or j + 1 in rows and _table_pair(stripped[j], stripped[j + 1])))

    # which lines are joined to the next one whatever came before, and which are left to the
    # line-by-line rules below: tests on each line and its neighbours, over all lines at once
    goes_on = _lines_of(kinds, "cCxX")       # goes on, no page break
    plain = _lines_of(kinds, "cC")           # goes on, not near a table, no page break
    after = _lines_of(kinds, "cexp") >> 8    # the next line is not blank and opens no paragraph
    # a line that goes on after one that goes on: the paragraph is wider than nothing, so it
    # is joined unless the next line opens a paragraph
    joined = plain & (goes_on << 8) & after
    # the first line of a paragraph before a line it may be joined to (a headline or not)
    first = plain & ~(goes_on << 8) & after
    # x and p lines, and a line before a blank line or at the end
    slow = first | _lines_of(kinds, "xXpP") | (plain & ((_lines_of(kinds, "b") >> 8) | 1 << 8 * (n - 1)))
    landings = bytearray((joined << 8).to_bytes(n, "little"))   # 1: a line joined to the one before
    first = first.to_bytes(n, "little")
    gaps = []                 # (line, next line joined to it) with blank lines or a page break between
    # the line-by-line rules, in order. The paragraph so far (its widest line) is the lines
    # after the last reset: a blank, marker or sentence-ending line, or a line before a blank
    # line that was not joined across it
    reset = -1            # the last reset line before the line at hand
    scanned = 0           # lines before this are in `reset` already
    para = [-2, 0, 0, 0, 0]   # the paragraph measured so far (see below)
    for i in compress(range(n), slow.to_bytes(n, "little")):
        if first[i]:
            # the first line of a paragraph before a line that goes on: joined if a break
            # across blank lines was joined right before it, or if it is no headline (a short
            # first line before a longer one)
            width, nxt = _width(stripped[i]), stripped[i + 1]
            if landings[i] or width > HEADLINE_SHARE * _most_width(len(nxt)) \
                    or width > HEADLINE_SHARE * _width(nxt) or _cut_digits(stripped[i], nxt) \
                    or _cut_multiplier(stripped[i], nxt) or _figure_goes_on(stripped[i], nxt):
                landings[i + 1] = 1
            continue
        k = resets.rfind("r", scanned, i)
        if k >= 0:
            reset = k
        in_para = reset < i - 1   # not the first line of its paragraph
        s = stripped[i]
        nb = _NOT_BLANK.search(kinds, i + 1)
        j = nb.start() if nb else n
        gap = j > i + 1 or kinds[i] in "pP"   # a blank line (or a page break) between
        if j == n or kinds[j].isupper() or table_kept(i, j):
            join = False
        else:
            nxt = stripped[j]
            if j > i + 1 and all(stripped[i + 1:j]):
                # only a marker between (人工造乔木林0.2万 / 3、 / 亩): joined where the text goes on
                # (or, as with nothing between, where the line before is no headline)
                join = in_para or (nxt[0] in _CONTINUES) or (s[-1] in _NUMERALS and nxt[0] in _NUMERALS) \
                    or (s[-1] in _NUMERALS and not nxt[0].isdigit()) or _width(s) > HEADLINE_SHARE * _width(nxt)
            elif not gap:
                # a short first line before a longer one is a headline, not a wrap
                join = in_para or _width(s) > HEADLINE_SHARE * _width(nxt) or _cut_digits(s, nxt) \
                    or _cut_multiplier(s, nxt) or _figure_goes_on(s, nxt)
            elif s[-1] in _NUMERALS and nxt[0] in _NUMERALS and not (nxt[0].isdigit() and _ends_in_field(s)):
                join = True  # a number cut by a column or page break (9.97\\f亿株)
            elif in_para:  # blank lines between: a column break if this line was full,
                # or where a figure is cut from its unit (栽植苗木71 / 万株, 最低标准 / 95%)
                # The paragraph's longest and widest line so far, kept as the paragraph grows
                # (recomputed per line, a long double-spaced paragraph cost its length squared);
                # a marker passed over is not of the paragraph. Widths are measured only when
                # the bound by length does not settle it, each line at most once.
                if para[0] != reset:
                    para = [reset, reset + 1, 0, reset + 1, 0]   # reset, lengths upto, longest, widths upto, widest
                for k in range(para[1], i):
                    if kinds[k] != "b" and len(stripped[k]) > para[2]:
                        para[2] = len(stripped[k])
                para[1] = i
                width = _width(s)
                join = width >= FULL_SHARE * _most_width(para[2])
                if not join:
                    for k in range(para[3], i):
                        if kinds[k] != "b":
                            para[4] = max(para[4], _width(stripped[k]))
                    para[3] = i
                    join = width >= FULL_SHARE * para[4]
                join = (join or _cut_figure(s, nxt) or (
                    nxt[0].isdigit() and not s[-1].isascii() and s[-1] not in _PUNCT)) \
                    and not (nxt[0].isdigit() and _ends_in_field(s))   # a byline, full or not
            else:  # …or, after a paragraph's first line, if the text plainly goes on, or if
                # a page break comes between and the line fills the column (as wide as the
                # lines before it, whatever their paragraph): a paragraph that opens at the foot
                # of a page and goes on on the next (…分别 / \f / 是市物业管理中心…). Not across
                # blank lines alone: they part paragraphs (各位代表： / / 现在，…)
                join = (nxt[0] in _CONTINUES) or _cut_figure(s, nxt) or (
                    any(k in pages for k in range(i, j)) and _fills_column(stripped, i)
                    and not (nxt[0].isdigit() and _ends_in_field(s)))
        if join:
            landings[j] = 1
            if gap:
                gaps.append((i, j))
            scanned = j       # blank lines passed over are no reset
        else:
            if gap:
                reset = i
            scanned = i + 1
    del stripped
    return _flow(source, text, lines, starts, landings, gaps, marks)


class _Lazy:
    """A pattern compiled on first use: the two stray-space patterns take ~10 ms to compile (a
    class of 27 000 CJK characters), a third of a one-issue start, and most texts never need
    them (no space stands inside a figure)."""

    def __init__(self, source: str):
        self.source, self._compiled = source, None

    def match(self, text: str, pos: int):
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled.match(text, pos)


#: the space typesetting or extraction leaves inside a figure (a no-break, thin or narrow
#: no-break space is one by then: `_plain_spaces`; GB/T 15835's 千分空 is a quarter of a character)
_FIGURE_SPACE = " "
#: where a stray space inside a figure can be: each space before a digit, after a digit or a
#: point (led by the space itself, so that `re` skips ahead to each one at C speed)
_MAYBE_STRAY = re.compile(f"{_FIGURE_SPACE}(?=[0-9])(?<=[0-9.．]{_FIGURE_SPACE})")
#: thousands parted by spaces (8 400亩, 3 120人, 1 000万元, 12 345 678元): one to three digits
#: (no digit, letter or point before them, nor a thousands comma, nor a number and a space:
#: cells of a table row, 94 94 100%), then groups of exactly three, each after one space, and
#: a word (a unit, 万/亿) or a decimal part right after the last group, or a space and a word
#: after a group that opens with 0 (12 000 亩: no number is written 000); not a decimal part
#: with another number after it (城关镇 14 612 318.5 152.4: a table row's cells). A number before a
#: space that is not followed so (a table's cells 238 236 99.16%, a row number before its
#: cell 1 县水务局, 1 300 亩) keeps its space
_THOUSANDS = _Lazy(rf"(?<![0-9A-Za-z０-９.．])(?<![0-9][,，{_FIGURE_SPACE}])[0-9]{{1,3}}(?:[{_FIGURE_SPACE}][0-9]{{3}})+"
                        r"(?=[\u3400-\u9fff]|[.．][0-9]++(?![ \t]+[0-9])|(?<=0[0-9][0-9])[ \t]+[\u3400-\u9fff])")
#: a space after the point of a figure in running text (育苗9. 97亿株, 共计:3. 2万株, “治沙贷”4. 7亿元,
#: a table's cell 9. 6万亩, and at the start of a line that goes on a line ending in a word or
#: a comma, bracket or quotation mark: 营造林 / 21. 4万亩, “油茶贷” / 4. 12亿元): after a Chinese
#: character, a comma, colon, semicolon, bracket (封沙育林(草)9. 3万公顷) or quotation mark, or
#: spaces inside the line, with a word, % or 万/亿 after its decimals (right
#: after them, or after a space or a line break: 2. 4 / 万亩, 97. 3 %).
#: Not at the start of a paragraph, of a sentence or of a line after a colon or semicolon, nor
#: before a date: a list number is there (3. 加强…, 如下： / 1. 2024年…)
_INLINE_SPACES = "|".join(rf"(?<=[^\s][ \t]{{{k}}})" for k in range(1, 9))   # 1-8 spaces after a non-space
_POINT_SPACE = _Lazy(rf"(?:(?<=[\u3400-\u9fff,:;，：；、(（)）”’」』])|{_INLINE_SPACES}"
                          r"|(?<=[\u3400-\u9fff,，、)）”’」』]\n)|(?<=[\u3400-\u9fff,，、)）”’」』]\r\n))"
                          rf"(?<![0-9][.．])[0-9]{{1,12}}[.．]([{_FIGURE_SPACE}])[0-9]{{1,12}}(?=[ \t]?[%％万亿]|\s{{0,3}}[\u3400-\u9fff%％])"
                          r"(?![0-9]*[年月日])")
_SPACE_IN = re.compile(f"[{_FIGURE_SPACE}]")


def _stray_spaces(text: str, joins: list[int] | None = None) -> list[int]:
    """Offsets of the stray spaces inside figures (`_THOUSANDS`, `_POINT_SPACE`): 8 400亩 reads
    8400亩, 9. 97亿株 reads 9.97亿株. Taken out before the lines are read, so that a table row
    counts its cells right. A C-speed search for each kind of space before a digit finds where
    one can be (most text has none); the figure is read from the start of its digits there.
    `joins` (sorted offsets where reflow joined two lines): only the figures a join is inside."""
    drops: set[int] = set()

    def joined(a: int, b: int) -> bool:
        k = bisect_right(joins, a)
        return k < len(joins) and joins[k] < b
    if _FIGURE_SPACE not in text:
        return []
    for hit in _MAYBE_STRAY.finditer(text):
        i = hit.start()
        if i in drops:
            continue
        j = i - 1 if text[i - 1] in ".．" else i
        while j and text[j - 1] in _ASCII_DIGITS:
            j -= 1
        if joins is not None and not joined(i - _FIGURE_REACH, i + _FIGURE_REACH):
            continue      # no join near: the first pass has read this space
        if text[i - 1] in ".．":
            m = _POINT_SPACE.match(text, j)
            if m and m.start(1) == i and (joins is None or joined(j, m.end())):
                drops.add(i)
            continue
        # a group of thousands: the figure starts at the first group (8 400 / 12 345 678)
        while j > 1 and text[j - 1] == _FIGURE_SPACE and text[j - 2] in _ASCII_DIGITS:
            k = j - 1
            while k and text[k - 1] in _ASCII_DIGITS:
                k -= 1
            j = k
        m = _THOUSANDS.match(text, j)
        if m and m.end() > i and (joins is None or joined(j, m.end())):
            drops.update(x.start() for x in _SPACE_IN.finditer(text, j, m.end()))
    return sorted(drops)


_ASCII_DIGITS = frozenset("0123456789")
#: how far from a stray space the figure it is in may start or end (12 345 678.12亿: 16 characters)
_FIGURE_REACH = 24


def _through(flow: Flow, source: str, drops: list[int]) -> Flow:
    """The flow of `source` with the characters at `drops` taken out, from the flow of the
    text without them (`flow`): each of its segments mapped on into `source`, and split after
    each character taken out (a position of the shorter text moves on by the characters
    taken out up to it)."""
    # where the text without them goes on after each character taken out
    after = [d - k for k, d in enumerate(drops)]
    seg_flat, seg_orig = [], []
    bounds = flow.seg_flat + [len(flow.text)]
    for k, f in enumerate(flow.seg_flat):
        o = flow.seg_orig[k]
        end = o + bounds[k + 1] - f
        i = bisect_right(after, o)
        seg_flat.append(f)
        seg_orig.append(o + i)
        while i < len(after) and after[i] < end:
            seg_flat.append(f + after[i] - o)
            seg_orig.append(after[i] + i + 1)
            i += 1
    return Flow(flow.text, source, seg_flat, seg_orig, _line_starts(source))


def _flow(source: str, text: str, lines: list[str], starts: list[int], landings: bytearray,
          gaps: list[tuple[int, int]], marks: dict[int, int] | None = None) -> Flow:
    """The reflowed text and its map, from the lines joined to the line before them (less
    the chunk marker that opens a joined line, `marks`: line → its length)."""
    n = len(lines)
    orig = list(map(starts.__getitem__, compress(range(n), landings)))
    # the characters dropped before each of those segments: the line break, and the \r of a
    # \r\n; across blank lines (or a page break), the blank lines too
    dropped = [2 if text[o - 2] == "\r" else 1 for o in orig] if "\r" in text else [1] * len(orig)
    glued = bytearray(landings)   # 1: no break before the line (it is joined, or passed over)
    for i, j in gaps:
        end = starts[i + 1] - 1               # the end of line i, before its break
        if text[end - 1] == "\r":
            end -= 1
        dropped[bisect_left(orig, starts[j])] = starts[j] - end
        glued[i + 1:j] = b"\x01" * (j - i - 1)   # the blank lines between go, with their breaks
        lines[i + 1:j] = [""] * (j - i - 1)
    for j, length in (marks or {}).items():
        if landings[j]:   # the marker goes with the break before it
            k = bisect_left(orig, starts[j])
            orig[k] += length
            dropped[k] += length
            lines[j] = lines[j][length:]
    if "\r" in text:   # a line joined to the next loses the \r of its \r\n
        for i in compress(range(-1, n - 1), glued):
            if lines[i].endswith("\r"):
                lines[i] = lines[i][:-1]
    # the text: paragraphs (runs of lines glued together) parted by the breaks kept, joined
    # some thousand paragraphs at a time, each block's lines let go once it is joined: the
    # lines and the text are never both whole in memory
    bounds = [0, *compress(range(1, n), glued[1:].translate(_NOT)), n]
    blocks = []
    for k in range(0, len(bounds) - 1, _BLOCK):
        block = bounds[k:k + _BLOCK + 1]
        blocks.append("\n".join(map("".join, map(lines.__getitem__, map(slice, block, block[1:])))))
        lines[block[0]:block[-1]] = repeat(None, block[-1] - block[0])
    flat = "\n".join(blocks)
    del blocks
    seg_flat = [0, *map(sub, orig, accumulate(dropped))]
    starts.pop()
    # the line starts of the source: those of the split when it had only \n breaks
    line_starts = starts if text is source and "\r" not in text else _line_starts(source)
    return Flow(flat, source, seg_flat, [0, *orig], line_starts)
