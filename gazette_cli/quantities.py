"""Quantities: one scan of the text finds every number with its unit and qualifier.

This is the hot path. The patterns (`grammar`: numbers from ``numerals``, units from the
units file) find where the quantities stand, in two stages; this module reads each match:
its value, unit and qualifier (`qualifiers`), or why it is no quantity. Its cost does not
depend on the rules: rules are applied afterwards, to the quantities found.

What is not a quantity follows the project's annotation convention (shared gold README):
years and dates (2025年, 3月1日), ordinals (第五届, 四次会议), 一 + measure word used as
an article (一个二维码, 一年来), numbered slogans in quotation marks (“六个工程”). With
``all_numbers`` these are still reported, as bare numbers (unit null); words that merely
contain a numeral (一切, 四川, 统一, the units file's ``scanner: not_numbers``) never are.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from operator import itemgetter

import regex

from .grammar import Grammar
from .numerals import (CONTEXT, CN_DIGITS, CN_POWERS, LIANG, MAX_DIGITS, MAX_PIECES, SPACE, NumberLimitError,
                       NumeralError, from_fraction, parse_number, within_limits)
from .qualifiers import EXACT_WORDS, Qualifiers
from .units import Unit, Units

#: 比 X 大 / 比 X 低: a comparison written around the number
_COMPARE_AFTER = {"大": "over", "高": "over", "多": "over", "小": "under", "低": "under", "少": "under"}
_SPACE = SPACE
_OPEN_QUOTES = frozenset("“‘「『\"")
_CLOSE_QUOTES = "”’」』\""
#: financial digits that are also everyday characters (队伍, 大陆, 放肆, 收拾): alone, no number
_WORD_DIGITS = frozenset("伍陆陸肆拾")
#: a number right after one of these is an ordinal or a name: 第五, 初三, 周一, 其二
_ORDINAL_BEFORE = frozenset("第初周星礼其")
_CN_NUMERAL = frozenset(CN_DIGITS + LIANG + CN_POWERS)
#: what may stand between a lower and an upper bound that make one range (大于100并且小于300)
_RANGE_GAP = regex.compile(r"[ \t\u3000]*(?:并且|而且|并|且|同时|的同时|又)?[ \t\u3000]*")
_RANGE_GAP_LOOSE = regex.compile(r"[ \t\u3000，,、]*(?:并且|而且|并|且|同时|的同时|又)?[ \t\u3000，,、]*")


class NumberLimitWarning(UserWarning):
    """A number beyond gazette's limits (numerals.MAX_DIGITS, MAX_PIECES) was skipped."""


@dataclass(slots=True)
class Quantity:
    """One quantity found in a text (offsets in that text; see ``Flow`` for the file)."""

    start: int                  # where the number starts (after any qualifier word)
    end: int                    # end of the unit or trailing qualifier
    text_start: int             # where the quantity's text starts (qualifier included)
    value: Decimal | None       # None for a range
    unit: str | None            # as reported (base unit, multipliers applied)
    qualifier: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit_kind: str | None = None


#: the text up to the last clause break (the clause a word implying a unit is looked for in
#: begins after it): greedy, so one match from the reach's start finds the last break
_TO_CLAUSE = re.compile(r"(?s:.*)[，,。；;！？!?\n：:、]")


#: a range's connector after its first figure, with the spaces around it
_GAP_CONNECTOR = re.compile(r"([ \t\u3000]*)[至到~～〜—–\-－−][ \t\u3000]*")


class Scanner:
    """Finds the quantities of a text: the grammar of one units file, and what its matches mean."""

    def __init__(self, units: Units):
        self.units = units
        extra = units.scanner  # validated by units.py: symbols, named, phrases, not_numbers, qualifiers
        self.qualifiers = Qualifiers(extra.get("qualifiers") or {})
        self.symbols: dict[str, str] = {}
        for name, spellings in (extra.get("symbols") or {}).items():
            for s in spellings or []:
                self.symbols[str(s)] = str(name)
        self.phrases: dict[str, tuple[Decimal, str | None]] = {}
        for p in extra.get("phrases") or []:
            self.phrases[str(p["text"])] = (Decimal(str(p["value"])), p.get("unit"))
        self.named = [str(n) for n in extra.get("named") or [] if str(n) in units]
        #: the unit a word before a figure in 亿 with no unit implies (贷款余额达150亿: 元)
        self.implied = extra.get("implied_units") or []
        # (numeral character, +1 or -1, the word's character after it, or before it when the
        # numeral ends the word) → [(its offset in the word, word length, words)]: the
        # neighbour is looked up first, so a numeral pays one dict lookup, not one slice
        # per word shape (this runs for every match)
        groups: dict[tuple[str, int, str], dict[tuple[int, int], set[str]]] = {}
        for w in extra.get("not_numbers") or []:
            w = str(w)
            for i, c in enumerate(w):
                if c in _CN_NUMERAL and len(w) > 1:
                    key = (c, 1, w[i + 1]) if i + 1 < len(w) else (c, -1, w[i - 1])
                    groups.setdefault(key, {}).setdefault((i, len(w)), set()).add(w)
        self.not_numbers = {k: [(i, n, frozenset(ws)) for (i, n), ws in g.items()] for k, g in groups.items()}
        self._not_number_chars = frozenset(k[0] for k in groups)
        self.grammar = Grammar(units, self.symbols, self.phrases, self.named, self.qualifiers)
        self._per_re = regex.compile(rf"^(.*?){_SPACE}[/／每]{_SPACE}(.+)$")
        self._unit_cache: dict[str, tuple] = {}
        self._minor_names = sorted((a for a, u in units.by_alias.items() if u.kind == "money" and not u.standalone),
                                   key=len, reverse=True)

    # -- unit handling ------------------------------------------------------------------
    def _unit(self, written: str) -> tuple[Unit | None, str, Decimal, str | None]:
        """(unit, reported name, factor to apply (a Decimal: from_fraction once per spelling), per-unit)
        for a written unit."""
        hit = self._unit_cache.get(written)
        if hit is None:
            if len(self._unit_cache) > 4096:
                self._unit_cache.clear()
            hit = self._unit_cache[written] = self._unit_uncached(written)
        return hit

    def _unit_uncached(self, written: str) -> tuple[Unit | None, str, Decimal, str | None]:
        written = "".join(written.split())
        m = self._per_re.match(written)
        per = None
        if m:
            written, per = m.group(1), m.group(2)
            per_unit = self.units.get(per)
            per = per_unit.name if per_unit else per
        unit = self.units.get(written)
        if unit is None:
            return None, written, Decimal(1), per
        name, factor = unit.name, Fraction(1)
        if unit.report_as:
            name, factor = unit.report_as, unit.factor
        if per:
            name = f"{name}/{per}"
        return unit, name, from_fraction(factor), per

    def _get(self, written: str | None) -> Unit | None:
        """The unit of a written unit, its per-part dropped (元/亩 → 元)."""
        if written is None:
            return None
        return self._unit(written)[0]

    # -- scanning -------------------------------------------------------------------------
    def scan(self, text: str, all_numbers: bool = False, warn=None, reference: bool = False) -> list[Quantity]:
        """Every quantity of `text`. A number beyond the limits (numerals.MAX_DIGITS) is
        skipped with a warning: warn(offset, message), or a NumberLimitWarning.
        `reference`: the one-stage scan (the full pattern at every position), kept to prove
        that the two-stage scan finds the same."""
        with localcontext(CONTEXT):  # exact arithmetic on values (not 28 digits)
            return self._scan(text, all_numbers, warn or _warn_limit, reference)

    def _scan(self, text: str, all_numbers: bool, warn, reference: bool = False) -> list[Quantity]:
        # --all-numbers keeps the one-stage scan: its loose grammar starts in more places
        g = self.grammar
        matches = (g.loose.finditer(text) if all_numbers else
                   g.strict.finditer(text) if reference or g.candidates is None else g.matches(text))
        out: list[Quantity] = []
        refused: list[tuple[int, int]] = []    # numerals too long to read: nothing starts inside
        for m in g.overlong(text, all_numbers):   # one warning per numeral
            if not refused or m.start() != refused[-1][1]:
                warn(m.start(), _refused(text, m.start(), f"a numeral of more than {MAX_PIECES} pieces"))
            refused.append(m.span())
        k = 0
        for m in matches:
            if refused:
                while k < len(refused) and refused[k][1] <= m.start():
                    k += 1
                if k < len(refused) and refused[k][0] <= m.start():
                    continue
            self._read(text, m, all_numbers, warn, out)
        if not all_numbers:
            out = _shared_units(text, out)
        return _join_bounds(text, out, all_numbers)

    def _read(self, text: str, m, all_numbers: bool, warn, out: list[Quantity]) -> None:
        """Add the quantities of one match to `out`: none for a date, an ordinal or a word,
        the bare numbers of a match that is no quantity (--all-numbers), and what a range cut
        short leaves after its first figure (3万元-5万美元), read on its own."""
        if m.re is not self.grammar.ranged and m.group("skip") is not None:
            return
        try:
            q = self._build(text, m, all_numbers)
            if q and not _inside_limits(q):
                raise NumberLimitError(f"magnitude beyond 10^±{MAX_DIGITS}")
        except NumberLimitError as exc:
            warn(m.start(), _refused(text, m.start(), str(exc)))
            return
        except (NumeralError, ArithmeticError, ValueError):
            q = None
        if q is False:  # a date, an ordinal, a word: no number at all
            return
        if q is None:
            if all_numbers:
                out.extend(self._bare_parts(text, m))
            return
        if isinstance(q, list):
            out.extend(q)
            return
        out.append(q)
        if q.end < m.end():
            self._read_window(text, q.end, m.end(), all_numbers, warn, out)

    def _read_window(self, text: str, lo: int, hi: int, all_numbers: bool, warn, out: list[Quantity]) -> None:
        """_read each match that starts in text[lo:hi], found by the one-stage pattern (a rare
        case: the rest of a range that proved none, 4930件 — 95.7%)."""
        # the connector is none: passed over, unless a space stands before it and none after
        # (4930件 -5.2%: a table's negative cell)
        gap = _GAP_CONNECTOR.match(text, lo, hi)
        if gap and not (gap.group(1) and gap.end() < len(text) and text[gap.end()].isdigit()):
            lo = gap.end()
        for m in (self.grammar.loose if all_numbers else self.grammar.strict).finditer(text, lo):
            if m.start() >= hi:
                break
            self._read(text, m, all_numbers, warn, out)

    def _bare_parts(self, text: str, m) -> list[Quantity]:
        """--all-numbers: the numbers of a match that is no quantity, each on its own."""
        out = []
        names = m.re.groupindex
        for g in ("n1", "n2", "n3", "n4", "b2", "n0"):
            if g not in names or m.group(g) is None:
                continue
            s, e = m.span(g)
            try:
                q = self._bare(text, s, e, m.group(g))
            except (NumeralError, ArithmeticError, ValueError):
                q = None
            if q is not None:
                out.append(q)
        return out

    def _implied(self, text: str, start: int, end: int, tok: str) -> Quantity | None:
        """A figure in 亿 or 万亿 with no unit after it (150亿, 超百亿), in the unit a word before
        it in its clause implies (units file: scanner.implied_units); else None."""
        if not tok.rstrip().endswith(("亿", "億")):
            return None
        for imp in self.implied:
            lo = max(0, start - imp["reach"])
            broken = _TO_CLAUSE.match(text, lo, start)
            if broken:
                lo = broken.end()
            if any(w in text[lo:start] for w in imp["after_words"]):
                value, over = _value(tok)
                u, name, factor, _ = self._unit(imp["unit"])
                return self._finish(text, start, end, value * factor, name, u.kind, over=over)
        return None

    def _bare(self, text: str, start: int, end: int, tok: str) -> Quantity | None:
        stripped = "".join(tok.split())
        if self._is_word(text, start, end, tok) or (len(stripped) == 1 and stripped in _WORD_DIGITS):
            return None
        if _digit_pair(stripped) or text[start - 1:start] in _ORDINAL_BEFORE and start > 0:
            return None
        value, over = _value(tok)
        return self._finish(text, start, end, value, None, None, over=over)

    def _is_word(self, text: str, start: int, end: int, tok: str) -> bool:
        """A word that merely contains a numeral (一切, 四川): the units file's not_numbers."""
        nn, chars = self.not_numbers, self._not_number_chars
        if text[start] not in chars and text[end - 1] not in chars:
            return False
        for p in (start, end - 1) if end - 1 > start else (start,):
            c = text[p]
            if c not in chars:
                continue
            for key in ((c, 1, text[p + 1:p + 2]), (c, -1, text[p - 1:p] if p else "")):
                for i, n, words in nn.get(key, ()):
                    ws = p - i
                    if ws >= 0 and (ws < start or ws + n > end) and text[ws:ws + n] in words:
                        return True  # the word reaches beyond the number: 一切, 四川
        return False

    def _build(self, text: str, m, all_numbers: bool):
        start = m.start()
        phrase, named, p1, b1, sym, n1, bare, n4, u1, n2, u2, ge, u3, n3, half, minor = _groups(m)
        if phrase is not None:
            value, unit = self.phrases[phrase]
            u = self.units.get(unit) if unit else None
            return self._finish(text, start, m.end(), value, unit, u.kind if u else None)
        if named is not None:
            u = self.units.get(named)
            return Quantity(start=start, end=m.end(), text_start=start, value=None, unit=u.name,
                            unit_kind=u.kind)
        if p1 is not None:
            return self._percent(text, m)
        if b1 is not None:
            return self._between(text, m)
        if sym is not None:
            return self._symbol(text, m)
        if bare is not None:
            implied = self._implied(text, start, m.end(), n1) if self.implied else None
            if implied is not None or not all_numbers:
                return implied
            return self._bare(text, start, m.end(), n1)
        if n4 is not None:  # a range without unit (--all-numbers)
            v1, _ = _value(n1)
            v2, _ = _value(n4)
            if v1 > v2 or self._is_word(text, start, m.end(), n1):
                return None
            return self._finish(text, start, m.end(), None, None, None, lo=v1, hi=v2)
        if u1 is not None:
            written, w2 = u1, u2
            if ge:  # 5个多月, 3个多小时: more than, and 个 belongs to the unit if it can
                if n2 is not None:
                    return None
                written = "个" + written if self.units.get("个" + written) else written
        else:
            written, n2, w2 = u3, n3, None
        unit, name, factor, per = self._unit(written)
        if unit is None:
            return None
        end = m.end()
        if w2 is not None and self._get(w2) is not unit:
            n2, w2, end = None, None, m.end("u1")  # 3万元-5万美元 is no range
        # a unit that is the start of another word: 四次会议, 两支持, 80年代
        last = (self._get(w2) or unit) if w2 is not None else unit
        if last.not_before and text.startswith(last.not_before, end, end + 4):
            return False  # 四次会议 is an ordinal, 两支持 no number
        if last.not_after and text[max(0, start - 8):start].endswith(last.not_after):
            return False  # 红十字会: the word before the number shows the unit is none
        if self._is_word(text, start, start + len(n1), n1) or n1 in _WORD_DIGITS:   # n1 opens the match
            return False
        if n2 is None:
            value, over = _value(n1)
            over = over or bool(ge)
            if len(n1) > 1 and _digit_pair("".join(n1.split())) and unit.name != "折":
                return None
            why = self._not_a_quantity(text, start, n1, value, unit, over)
            if why == "article" or (why == "date" and n1 == "一"):
                why = None if half and unit.kind != "count" else why  # 一年半: no article
            if why:
                # articles (一个), dates and ordinals are no numbers, not even for --all-numbers
                return False
            value = self._percent_word(n1, value, unit)
            if value is None:
                return None
            if minor:
                if unit.kind != "money":
                    return None
                value += self._minor(minor, unit)
            if half and unit.kind != "count":
                value += Decimal("0.5")
            return self._finish(text, start, end, value * factor,
                                name, unit.kind, over=over)
        # a range: 3至5万亩, 20%~30%, 2021-2025年
        v1, _ = _value(n1)
        v2, _ = _value(n2)
        if unit.kind == "time" and (_is_date(n1, v1, unit) or _is_date(n2, v2, unit)):
            return False  # 2021-2025年: dates, not numbers
        if _is_ordinal_or_name(text, start, n1):
            return False
        if w2 is None:
            mult = _trailing_multiplier(n2)
            if mult != 1 and _trailing_multiplier(n1) == 1 and v1 * mult <= v2:
                v1 = v1 * mult
        f = factor
        if v1 > v2:  # not a range but a subtraction or a code (e.g. 10-3)
            return None
        return self._finish(text, start, end, None, name, unit.kind, lo=v1 * f, hi=v2 * f)

    def _minor(self, written: str, major: Unit) -> Decimal:
        """5元3角, 两美元又三美分: the smaller coins added to the major unit."""
        total = Decimal(0)
        names = self._minor_names
        rest = "".join(written.split()).lstrip("又")
        while rest:
            for a in names:
                i = rest.find(a)
                if i > 0:
                    u = self.units.get(a)
                    if u.dimension != major.dimension:
                        raise NumeralError(written)
                    f = u.factor / major.factor
                    total += parse_number(rest[:i]) * from_fraction(f)
                    rest = rest[i + len(a):].lstrip("又")
                    break
            else:
                raise NumeralError(written)
        return total

    def _percent(self, text: str, m) -> Quantity:
        start = m.start()

        def value(s: str) -> Decimal:
            s = "".join(s.split())
            sign = 1
            if s[0] in "负負-−－":  # 负百分之五 = 百分之负五 = -5 %
                sign, s = -1, s[1:]
            den, _, num = s.partition("之")
            den = den[:-1]  # 分
            d = Decimal(1)
            for c in den.translate(str.maketrans("佰仟萬", "百千万")):
                d *= {"百": 100, "千": 1000, "万": 10000}[c]
            n = Decimal(100) if num == "百" else parse_number(num)
            return sign * n * 100 / d

        v1 = value(m.group("p1"))
        if m.group("p2") is not None:
            return self._finish(text, start, m.end(), None, "%", "percent", lo=v1, hi=value(m.group("p2")))
        return self._finish(text, start, m.end(), v1, "%", "percent")

    def _between(self, text: str, m):
        """在20和30之间, 10000与20000间."""
        v1, _ = _value(m.group("n1"))
        v2, _ = _value(m.group("b2"))
        w1, w2 = m.group("bu1"), m.group("bu2")
        written = w2 or w1
        name, kind, f = None, None, Decimal(1)
        if written is not None:
            unit, name, f, _ = self._unit(written)
            if unit is None or (w1 is not None and w2 is not None and self._get(w1) is not self._get(w2)):
                return None
            kind = unit.kind
        if w1 is None:  # 在20和30万元之间: the multiplier of the second number applies to both
            mult = _trailing_multiplier(m.group("b2"))
            if mult != 1 and _trailing_multiplier(m.group("n1")) == 1 and v1 * mult <= v2:
                v1 = v1 * mult
        if v1 > v2:
            v1, v2 = v2, v1
        fd = f
        q = self._finish(text, m.start(), m.end(), None, name, kind, lo=v1 * fd, hi=v2 * fd)
        return q

    def _symbol(self, text: str, m):
        """￥300, $20, 人民币 50 元: a currency written before the amount."""
        sym_unit = self.units.get(self.symbols[m.group("sym")])
        n0 = m.group("n0")
        value, over = _value(n0)
        if m.group("u0") is not None:
            unit, name, factor, _ = self._unit(m.group("u0"))
            if unit is None:
                return None
            if unit.kind == "money" and unit.dimension != sym_unit.dimension:
                return None
            if unit.kind != "money":  # 人民币 5 个: the symbol names no amount here
                return None
        else:
            unit, name, factor = sym_unit, sym_unit.name, Decimal(1)
        q = self._finish(text, m.start("n0"), m.end(), value * factor,
                         name, unit.kind, over=over)
        q.text_start = min(q.text_start, m.start())
        return q

    def _percent_word(self, n1: str, value: Decimal, unit: Unit) -> Decimal | None:
        if unit.name == "成":
            return value if value <= 10 else None
        if unit.name == "折":
            if value < 10:
                return value
            if 10 < value < 100 and ("." not in n1 and "点" not in n1 and "點" not in n1):  # 七五折 → 75 %
                return value / 10
            return None
        return value

    def _finish(self, text, start, end, value, unit, kind, over=False, lo=None, hi=None) -> Quantity:
        qual, text_start, word = self.qualifiers.prefix(text, start)
        exact = False
        if word == "比":  # 比三十大, 比 170 低: the comparison closes after the number
            qual, text_start = None, start
            i = end
            while i < len(text) and text[i] in " \t\u3000":
                i += 1
            if text[i:i + 1] in _COMPARE_AFTER:
                qual, text_start, end = _COMPARE_AFTER[text[i]], text_start - 1, i + 1
        elif word in EXACT_WORDS:
            qual, exact = None, True
        suffix, end = self.qualifiers.suffix(text, end)
        if over and qual in (None, "approx"):
            qual = "over"
        if qual is None:
            qual = suffix
        if qual is None and not exact:
            qual = self.qualifiers.governing(text, start)
        q = Quantity(start=start, end=end, text_start=text_start, value=value, unit=unit,
                     qualifier=qual, min=lo, max=hi, unit_kind=kind)
        if value is not None:
            if exact:
                q.min = q.max = value
            elif qual in ("over", "min"):
                q.min = value
            elif qual in ("under", "max"):
                q.max = value
        return q

    # -- what is not a quantity -------------------------------------------------------------
    @staticmethod
    def _not_a_quantity(text, start, n1, value, unit: Unit, over) -> str | None:
        """Why a number with a unit is no quantity: "ordinal", "row number", "date", "article" or None."""
        if _is_ordinal_or_name(text, start, n1):
            return "ordinal"
        if unit.kind == "count" and _row_number(text, start, n1):
            return "row number"
        if unit.kind == "time" and not over and _is_date(n1, value, unit):
            return "date"
        # 一 + measure word read as an article: 一个二维码, 一家企业, 一年来
        if n1 == "一" and unit.kind in ("count", "time") and not unit.report_as:
            return "article" if unit.kind == "count" else "date"
        return None


def _inside_limits(q) -> bool:
    for x in (q if isinstance(q, list) else (q,)):
        for v in (x.value, x.min, x.max):
            if v is not None and not within_limits(v):
                return False
    return True


def _refused(text: str, start: int, why: str) -> str:
    shown = text[start:start + 30].split("\n", 1)[0]
    return f"number not read ({why}; the limit is {MAX_DIGITS} digits): {shown}{'…' if len(shown) == 30 else ''}"


def _warn_limit(offset: int, message: str) -> None:
    warnings.warn(f"at offset {offset}: {message}", NumberLimitWarning, stacklevel=4)


def _is_ordinal_or_name(text: str, start: int, n1: str) -> bool:
    """第五, 初三, 周一; or a numbered slogan in quotation marks: “六个工程”."""
    before = text[max(0, start - 1):start]
    if before and before in _ORDINAL_BEFORE:
        return True
    # a numbered slogan in quotation marks: “六个工程”, “两个确立”
    return before in _OPEN_QUOTES and not n1[0].isdigit() and \
        any(text.find(c, start, start + 10) >= 0 for c in _CLOSE_QUOTES)


def _row_number(text: str, start: int, n1: str) -> bool:
    """1 县水务局 38 36 76.32%: a number that opens a line, a space after it, on a line of three
    cells or more is the row's number (序号), not a count of the measure word the next cell
    happens to begin with."""
    if text[start + len(n1):start + len(n1) + 1] not in (" ", "\t", "\u3000"):
        return False
    line = text.rfind("\n", 0, start) + 1
    if text[line:start].strip():
        return False
    end = text.find("\n", start)
    return len(text[line:end if end >= 0 else len(text)].split()) >= 3


def _is_date(n1: str, value: Decimal, unit: Unit) -> bool:
    """2025年, 二〇二五年, 3月, 1日."""
    if unit.name == "年":
        if value == value.to_integral_value() and 1000 <= value <= 2200:
            return "多" not in n1 and "余" not in n1
        # 二〇二五年: Chinese digits written one by one
        return len(n1) == 4 and not any(c in "十百千万" for c in n1)
    if unit.name == "月":
        return value == value.to_integral_value() and 1 <= value <= 12
    if unit.name == "日":
        return value == value.to_integral_value() and 1 <= value <= 31
    return False


#: the groups `_build` reads, in this order (a pattern that lacks one gives None for it)
_GROUPS = ("phrase", "named", "p1", "b1", "sym", "n1", "bare", "n4", "u1", "n2", "u2", "ge", "u3", "n3",
           "half", "minor")
_GETTERS: dict = {}


def _groups(m) -> tuple:
    """The values of `_GROUPS` in a match: one ``groups()`` call and one C-level itemgetter,
    not a Python call per name (this runs for every match)."""
    get = _GETTERS.get(m.re)
    if get is None:
        index, n = m.re.groupindex, m.re.groups
        get = _GETTERS[m.re] = itemgetter(*(index[g] - 1 if g in index else n for g in _GROUPS))
    return get(m.groups() + (None,))


def _digit_pair(tok: str) -> bool:
    """两三, 一两, 三五: two Chinese digits side by side are an estimate, not a number."""
    return (len(tok) == 2 and all(c in CN_DIGITS + LIANG for c in tok)
            and not any(c in "零〇○" for c in tok))


_APPROX_CHARS = str.maketrans("", "", "余餘多几幾")


def _value(tok: str) -> tuple[Decimal, bool]:
    """Value of a number token and whether it carries 余/多/几 (more than)."""
    stripped = tok.translate(_APPROX_CHARS)
    over = len(stripped) != len(tok)
    return parse_number(stripped if over else tok), over


def _trailing_multiplier(tok: str) -> Decimal:
    tok = "".join(tok.translate(_APPROX_CHARS).split())
    mult = Decimal(1)
    values = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
    i = len(tok)
    while i > 0 and tok[i - 1] in values:
        i -= 1
    if i == len(tok) or not (tok[:i] and tok[:i][-1].isdigit()):
        return mult
    for ch in tok[i:]:
        mult *= values[ch]
    return mult


#: a bare number that ends right before a list separator (0.62、 0.37和)
_BARE_ITEM = re.compile(r"(?<![0-9A-Za-z０-９.．%％/／:：-])[0-9]+(?:\.[0-9]+)?$")
#: the last number of such a list: digits, then 万/亿, then its unit
_LAST_ITEM = re.compile(r"([0-9]+(?:\.[0-9]+)?)[万亿萬億]{0,2}")
_LIST_SEPARATORS = frozenset("、和与及")


def _shared_units(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Numbers listed before a quantity, parted by 、 和 与 or 及, share its unit and its
    万/亿: 分别提高0.62、1.5、3.1个百分点 are three quantities in 个百分点, 分别授信30、20亿元 two
    in 亿元 (as 3至5万亩 is a range of 万亩). So do numbers each after a label of its own,
    parted by 、: 完成人工造林2.96、封沙育林草2.1、人工种草3.4万亩 are three areas in 万亩. Only
    plain Arabic numbers, the last one with its unit right after it and no qualifier word
    before any of them."""
    out: list[Quantity] = []
    prev_end = 0
    for q in qs:
        s = q.start
        if q.value is not None and q.unit and s == q.text_start and s > 1:
            # a label only where a 、 stands within its reach (most figures have none)
            labelled = _label_start(text, s) if text.find("、", max(0, s - _LABEL_CHARS - 1), s) >= 0 else None
            pos = s if labelled is None else labelled
            if text[pos - 1] in (_LIST_SEPARATORS if labelled is None else "、"):
                out.extend(_listed_before(text, q, pos, prev_end, labelled is not None))
        out.append(q)
        prev_end = q.end
    return out


#: a label before a listed number: Chinese characters (人工造林2.96、): up to this many are read
_LABEL_CHARS = 8


def _label_start(text: str, end: int) -> int | None:
    """Where the label that ends at `end` starts (Chinese characters, at most _LABEL_CHARS
    read back), or None when no Chinese character stands right before `end`."""
    k = end
    while k > 0 and end - k < _LABEL_CHARS and "\u4e00" <= text[k - 1] <= "\u9fff" and text[k - 1] not in "、和与及":
        k -= 1
    return k if k < end else None


def _listed_before(text: str, q: Quantity, pos: int, prev_end: int, labelled: bool) -> list[Quantity]:
    """The numbers listed before `q` (its list separator stands at pos - 1), in `q`'s unit."""
    last = _LAST_ITEM.match(text, q.start)
    if last is None:
        return []
    mult = _trailing_multiplier(last.group())
    try:
        per = q.value / (Decimal(last.group(1)) * mult)   # the unit's factor
    except ArithmeticError:
        return []
    items = []
    while len(items) < 20 and pos > 1 and text[pos - 1] in (_LIST_SEPARATORS if not labelled else "、"):
        m = _BARE_ITEM.search(text, max(prev_end, pos - 25), pos - 1)
        if m is None or text[m.start() - 1:m.start()] in _ORDINAL_BEFORE:
            break
        if labelled:
            label = _label_start(text, m.start())
            if label is None or label < prev_end:
                break
        items.append(Quantity(start=m.start(), end=m.end(), text_start=m.start(),
                              value=Decimal(m.group()) * mult * per, unit=q.unit, unit_kind=q.unit_kind))
        pos = label if labelled else m.start()
    return items[::-1]


def _join_bounds(text: str, qs: list[Quantity], loose: bool) -> list[Quantity]:
    """A lower and an upper bound written one after the other make one range:
    大于100并且小于300, 最多100最少20个 (and with --all-numbers: 1000以上，1500以下)."""
    gap_re = _RANGE_GAP_LOOSE if loose else _RANGE_GAP
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        a = qs[i]
        if i + 1 < len(qs) and a.value is not None:
            b = qs[i + 1]
            lo_a, hi_a = a.qualifier in ("over", "min"), a.qualifier in ("under", "max")
            lo_b, hi_b = b.qualifier in ("over", "min"), b.qualifier in ("under", "max")
            if b.value is not None and ((lo_a and hi_b) or (hi_a and lo_b)) and \
                    (a.unit == b.unit or a.unit is None or b.unit is None) and \
                    (loose or (a.text_start != a.start and b.text_start != b.start)) and \
                    gap_re.fullmatch(text, a.end, b.text_start):
                lo, hi = (a.value, b.value) if lo_a else (b.value, a.value)
                if lo < hi:
                    out.append(Quantity(start=a.start, end=b.end, text_start=a.text_start, value=None,
                                        unit=a.unit or b.unit, qualifier=None, min=lo, max=hi,
                                        unit_kind=a.unit_kind or b.unit_kind))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


@lru_cache(maxsize=8)
def scanner_for(units: Units) -> Scanner:
    return Scanner(units)
