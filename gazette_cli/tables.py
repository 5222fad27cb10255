"""Tables flattened to lines: a header line of labels, then rows with as many cells
(``reflow.table_cells``: runs parted by spaces). Two readers, one for each stage that needs
a table:

``Tables`` (attribution): the header cell above a figure, so that a keyword heading its
column can claim it (承办单位 受理量 办结率 满意率 / 市人社局 1862件 99.6% 98.7%). Built lazily,
block by block, around the figures asked about: text without tables costs one look at the
figure's line.

``add_table_units`` (the scan): figures whose unit a table states once, in a caption
(（单位：万元）, 单位：万株), in the header of their column (满意率（%）, 发放金额(万元)) or in
the label of their row (an indicator table: 贷款余额(亿元)  54.98  61.20). A
statistical table flattened to lines writes its cells as bare numbers (`市农商银行  2168
43600  97200` under `（单位：万元）`): the scan finds no quantity there, since no unit follows
the digits. This pass reads such tables after the scan and adds each bare number as a
quantity in its column's unit — quoted as written (`2168`), valued in the base unit
(21 680 000 元). The unit text is read by the scanner itself (``1`` + the unit), so every unit,
multiplier and spelling of the units file works and nothing here lists units. It leaves
alone a column whose header counts things (笔数, 户数, 序号 …) or gives a rate or ratio
(完成率, 占比, 供需比) unless the header states its own unit; the first column (row labels);
a cell that is not a bare number or that the scan already read. Only runs of lines with as
many cells as the header make the table, as ``Tables`` reads them.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal, InvalidOperation

from .quantities import Quantity
from .reflow import FIGURE_CELL, NO_FIGURE, PROSE_MARK, table_cells


def _line(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line holding text[pos]."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


# ---- the header above a figure (attribution's columns) ----

class Tables:
    """The tables of one text, for the header cell above a figure (see the module's
    docstring)."""

    def __init__(self, text: str):
        self.text = text
        self.header: dict[int, list[tuple[int, int]]] = {}   # row line start → header cells
        self.cells: dict[int, list[tuple[int, int]]] = {}    # row line start → its cells
        self.seen: set[int] = set()                          # line starts already looked at
        self.rows: dict[int, list[int]] = {}                 # row line start → the rows of its table

    def _block(self, start: int) -> None:
        """Read the run of spaced lines around the line at `start` into header/cells."""
        text = self.text
        lines = []
        lo = start
        while lo > 0:                        # up to the first line of the run
            prev = _line(self.text, lo - 1)
            if not spaced_row(text, *prev):
                break
            lo = prev[0]
        pos = lo
        while pos <= len(text):
            line = _line(self.text, pos)
            if not spaced_row(text, *line):
                break
            lines.append(line)
            pos = line[1] + 1
        block: list[tuple[int, list]] = []
        for a, b in lines:
            self.seen.add(a)
            cells = table_cells(text, a, b)
            if block:
                cells = _padded(text, cells, b, len(block[0][1]))
            if block and len(cells) != len(block[0][1]):
                raw = table_cells(text, a, b, merge=False)   # a 单位 column: 5000 亩 is two cells
                cells = raw if len(raw) == len(block[0][1]) else cells
            if len(cells) >= 2 and (not block or len(cells) == len(block[0][1])):
                block.append((a, cells))
            else:
                self._take(block)
                block = [(a, cells)] if len(cells) >= 2 else []
        self._take(block)

    def _take(self, block) -> None:
        if len(block) < 2:
            return
        head_start, head = block[0]
        if any(FIGURE_CELL.fullmatch(self.text, a, b) for a, b in head):
            return                           # a row of figures, not a header of labels
        rows = [start for start, _ in block[1:]]
        for start, cells in block[1:]:
            self.header[start] = head
            self.cells[start] = cells
            self.rows[start] = rows

    def caption(self, pos: int, lines: int = 2) -> tuple[int, int] | None:
        """The header line of the table a figure stands in and the `lines` non-empty lines
        before it, as (start, end); None outside a table."""
        if self.header_cell(pos) is None:
            return None
        text = self.text
        head = self.header[_line(self.text, pos)[0]]
        start, end = _line(self.text, head[0][0])
        lo = start
        while lines and lo > 0:
            prev = _line(self.text, lo - 1)[0]
            if text[prev:lo - 1].strip():
                lines -= 1
            lo = prev
        return lo, end

    def header_cell(self, pos: int) -> tuple[int, int] | None:
        start, end = _line(self.text, pos)
        if start not in self.seen:
            self.seen.add(start)        # a line is looked at once, however many figures it holds
            if not spaced_row(self.text, start, end):
                return None
            self._block(start)
        for i, (lo, hi) in enumerate(self.cells.get(start, ())):
            if lo <= pos < hi:
                return self.header[start][i]
        return None


_SPACE_INSIDE = re.compile(r"\S[ \t\u3000]+\S").search


def spaced_row(text: str, lo: int, hi: int) -> bool:
    """Can the line text[lo:hi] be a table row: white space between two of its cells, and
    no sentence punctuation (a paragraph with a spaced number, 最高 1000 万元，…, is prose)?"""
    return _SPACE_INSIDE(text, lo, hi) is not None and PROSE_MARK(text, lo, hi) is None


# ---- units a table states (the scan) ----

#: a caption that states the unit of a whole table, at the end of a line (a title line or one of its own);
#: a table of areas and their rates names both (单位：万亩、%: the rate columns are in %)
_UNIT_SEP = re.compile(r"[、，,/／]")
_CAPTION = re.compile(r"[（(]?[ \t\u3000]*单位[ \t\u3000]*[：:][ \t\u3000]*([^\s，,。；;、：:（）()]{1,6}(?:[、，,/／][^\s，,。；;、：:（）()/／]{1,6}){0,3})"
                      r"[ \t\u3000]*[）)]?[ \t\u3000]*[：:]?[ \t\u3000]*$",
                      re.M)
#: a header cell that states its column's unit: 满意率（%）, 金额(万元), 面积（单位：亩）
_HEADER_UNIT = re.compile(r"[（(][ \t\u3000]*(?:单位[ \t\u3000]*[：:][ \t\u3000]*)?([^\s（）()，,；;]{1,5})[ \t\u3000]*[）)]$")
#: a cell that is a bare number: digits, thousands commas, a decimal part
_BARE = re.compile(r"[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?")
#: a column header that counts things or gives a rate or ratio takes no caption unit: one that
#: ends in a measure word or 数/率/比 (户数, 笔数, 完成率, 供需比), or names a rank, a code or the year
_COUNT_END = ("数", "户", "人", "笔", "家", "个", "件", "次", "名", "率", "比", "比重", "比例", "占比")
_COUNT_WORDS = ("序号", "编号", "排名", "名次", "代码", "年份", "月份", "同比", "环比", "增长", "增幅")
#: a column header that gives a rate or a share (完成率, 占比)
_RATE_END = ("率", "比", "比重", "比例", "占比")
#: how far after a caption its table's header may be (lines)
_CAPTION_REACH = 2


def add_table_units(text: str, qs: list[Quantity], read_unit) -> list[Quantity]:
    """`qs` (the scan's quantities of `text`, by start) with the bare numbers of tables that
    state their unit added, by start. `read_unit(unit_text)` gives (factor, unit) for a unit
    as written (万元 → (10000, 元)), or None when it is no unit. Only the lines that hold 单位
    or a bracketed word ending a cell are looked at: the cost of a text without tables is two
    searches in C."""
    heads: dict[int, tuple] = {}      # header line start → the caption's unit text, or None
    pos = text.find("单位")
    while pos >= 0:
        lo, hi = _line(text, pos)
        caption = _CAPTION.match(text, pos - 1 if pos > lo and text[pos - 1] in "（(" else pos, hi)
        if caption:
            h = _header_after(text, lo, caption.start())
            if h is not None:
                heads.setdefault(h, (caption.group(1),))
        pos = text.find("单位", hi)
    # a header that states its columns' units: a closing bracket that ends a cell (a space,
    # a tab or the line end after it) on a line of three cells or more. str.find from bracket
    # to bracket: a character-class search would cost ~2 ms/MB of prose for the few tables
    labelled: list[tuple[list, tuple]] = []   # rows whose label states their unit: (figure cells, unit)
    for close in "）)":
        pos = text.find(close)
        while pos >= 0:
            if pos + 1 == len(text) or text[pos + 1] in " \t\u3000\n":
                lo, hi = _line(text, pos)
                row = _labelled_row(text, lo, hi, read_unit)
                if row is not None:
                    labelled.append(row)
                elif lo not in heads and _has_header_unit(text, lo, hi):
                    heads[lo] = (None,)
                pos = hi                   # a line is looked at once
            pos = text.find(close, pos + 1)
    if not heads and not labelled:
        return qs
    added: list[Quantity] = []
    starts = [q.start for q in qs]
    for cells, unit in labelled:
        added += _bare_cells(text, cells, [unit] * len(cells), qs, starts)
    for h, (unit_text,) in sorted(heads.items()):
        whole = rate = area = None
        if unit_text:
            read = [read_unit(u) for u in _UNIT_SEP.split(unit_text)]
            if None in read:
                continue
            wholes = [u for u in read if u[1] != "%"]
            whole = wholes[0] if wholes else None
            rate = next((u for u in read if u[1] == "%"), None) if len(read) > 1 else None
            if len(wholes) > 1:   # 单位：亩、万株: the area columns (面积) in the measure, the others in the other
                area = next((u for u in wholes if u[2] == "measure"), None)
                whole = next((u for u in wholes if u[2] != "measure"), None)
        added += _table(text, h, whole, read_unit, qs, starts, rate, area)
    if not added:
        return qs
    return sorted(qs + added, key=lambda q: q.start)


def unit_reader(scanner):
    """(factor, unit, kind) of a unit as written, read by `scanner` as the unit of 1 (万元 →
    (10000, 元, money), % → (1, %, percent)), or None when 1 and the text are not one quantity;
    asked once per text."""
    seen: dict[str, tuple[Decimal, str] | None] = {}

    def read(unit_text: str):
        if unit_text not in seen:
            probe = "1" + unit_text
            found = scanner.scan(probe)
            q = found[0] if len(found) == 1 else None
            ok = q is not None and q.start == 0 and q.end == len(probe) and q.value is not None and q.unit
            seen[unit_text] = (q.value, q.unit, q.unit_kind) if ok else None
        return seen[unit_text]
    return read


def _has_header_unit(text: str, lo: int, hi: int) -> bool:
    """Does one cell of the line text[lo:hi] (three cells or more) state a unit: 满意率（%）?"""
    cells = table_cells(text, lo, hi, merge=False)
    return len(cells) >= 3 and any(_HEADER_UNIT.search(text, a, b) for a, b in cells)


def _header_after(text: str, lo: int, caption_start: int) -> int | None:
    """The start of the header line of the table a caption is for: its own line when the
    caption ends a line of three cells or more, else the first such line within reach."""
    if len(table_cells(text, lo, caption_start, merge=False)) >= 3:
        return lo
    hi = text.find("\n", caption_start)
    for _ in range(_CAPTION_REACH):
        if hi < 0:
            return None
        a, b = _line(text, hi + 1) if hi + 1 < len(text) else (len(text), len(text))
        if len(table_cells(text, a, b, merge=False)) >= 3:
            return a
        hi = text.find("\n", a) if b < len(text) else -1
    return None


def _table(text, h: int, whole, read_unit, qs, starts, rate=None, area=None) -> list[Quantity]:
    """The bare numbers of the table whose header line starts at `h`, in their column's unit:
    the header cell's own, else the caption's (`whole`; `area` for a column of 面积 where the
    caption names a measure beside another unit), or for a column of rates the caption's
    percent (`rate`, when the caption names one beside another unit), else, in a table with a
    单位 column (指标 单位 绝对数 / 造林面积 公顷 8426), the unit its row names there."""
    lo, hi = _line(text, h)
    caption = _CAPTION.search(text, lo, hi)
    head = table_cells(text, lo, caption.start() if caption else hi, merge=False)
    units = []
    open_cols = []        # columns that take the unit a 单位 column names for each row
    unit_col = None
    for k, (a, b) in enumerate(head):
        own = _HEADER_UNIT.search(text, a, b)
        unit = read_unit(own.group(1)) if own else None
        label = text[a:own.start() if own else b]
        label = label.strip()
        counts = label.endswith(_COUNT_END) or any(w in label for w in _COUNT_WORDS)
        if k > 0 and label == _UNIT_COLUMN and own is None:
            unit_col = k
        elif unit is None and rate is not None and k > 0 and label.endswith(_RATE_END):
            unit = rate
        elif unit is None and area is not None and k > 0 and _AREA_LABEL in label:
            unit = area
        elif unit is None and whole is not None and k > 0 and not counts:
            unit = whole
        elif unit is None and k > 0 and not label.endswith(_RATE_END) and not any(w in label for w in _COUNT_WORDS):
            open_cols.append(k)   # a count too (绝对数): the row's unit says what it counts
        units.append(unit if k > 0 else None)
    if unit_col is None and not any(units):
        return []
    out = []
    while hi < len(text):
        lo, hi = _line(text, hi + 1)
        cells = _padded(text, table_cells(text, lo, hi, merge=False), hi, len(head))
        if len(cells) != len(head):
            break
        row_units = units
        if unit_col is not None:
            a, b = cells[unit_col]
            named = read_unit(text[a:b]) if not _BARE.fullmatch(text, a, b) else None
            if named is not None:
                row_units = units[:]
                for k in open_cols:
                    row_units[k] = named
        out += _bare_cells(text, cells, row_units, qs, starts)
    return out


#: the header of a column that names each row's unit
_UNIT_COLUMN = "单位"
#: what the label of a column of areas says, where a caption names an area unit beside another
_AREA_LABEL = "面积"


def _padded(text: str, cells: list, hi: int, n: int) -> list:
    """A row's `cells` with an empty last cell added where the row is one cell short of the
    header's `n` and ends in a tab (a table written one cell a line with its last column, a
    备注, left empty: reflow wrote its cells' line breaks as tabs)."""
    if len(cells) == n - 1 and hi > 0 and text[hi - 1] == "\t":
        return cells + [(hi, hi)]
    return cells


def _bare_cells(text: str, cells, units, qs, starts) -> list[Quantity]:
    """The bare numbers among `cells`, each in the unit of its place in `units` (None: left alone)."""
    out = []
    for (a, b), unit in zip(cells, units):
        if unit is None or not _BARE.fullmatch(text, a, b) or _covered(a, b, qs, starts):
            continue
        try:
            value = Decimal(text[a:b].replace(",", "").replace("−", "-")) * unit[0]
        except InvalidOperation:
            continue
        out.append(Quantity(start=a, end=b, text_start=a, value=value, unit=unit[1]))
    return out


def _labelled_row(text: str, lo: int, hi: int, read_unit):
    """A row whose label states the unit of its figures, as an indicator table writes it (指标
    2023年 2024年 / 普惠型小微企业贷款余额(亿元) 54.98 61.20): (its figure cells, the unit), or
    None. The label is the first cell and ends in the bracketed unit; every other cell is a
    bare number or a dash."""
    cells = table_cells(text, lo, hi, merge=False)
    if len(cells) < 2:
        return None
    a, b = cells[0]
    own = _HEADER_UNIT.search(text, a, b)
    if own is None or own.start() == a:
        return None
    rest = cells[1:]
    if not all(_BARE.fullmatch(text, x, y) or NO_FIGURE.fullmatch(text, x, y) for x, y in rest):
        return None
    unit = read_unit(own.group(1))
    return (rest, unit) if unit is not None else None


def _covered(a: int, b: int, qs, starts) -> bool:
    """Does a quantity of the scan overlap text[a:b]?"""
    i = bisect_left(starts, b)
    return i > 0 and qs[i - 1].end > a
