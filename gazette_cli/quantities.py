"""Quantities: one scan of the text finds every number with its unit and qualifier.

This is the hot path: a single compiled pattern (numbers from ``numerals``, units from the
units file) runs once over the reflowed text; Python looks only at its matches. Its cost
does not depend on the rules: rules are applied afterwards, to the quantities found.

What is not a quantity follows the project's annotation convention (shared gold README):
years and dates (2025年, 3月1日), ordinals (第五届, 四次会议), 一 + measure word used as
an article (一个二维码, 一年来), numbered slogans in quotation marks (“六个工程”).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import regex

from .numerals import ARABIC, MULTIPLIER, NUMBER, NumeralError, parse_number
from .units import Unit, Units

#: qualifier words written right before the number (spaces and 为/达 may follow them)
PREFIX_QUALIFIERS = {
    "约": "approx", "大约": "approx", "大概": "approx", "约合": "approx", "近": "approx",
    "将近": "approx", "接近": "approx", "近乎": "approx",
    "超": "over", "超过": "over", "逾": "over", "多于": "over", "高于": "over", "大于": "over",
    "不足": "under", "不到": "under", "少于": "under", "低于": "under", "小于": "under",
    "未满": "under", "不满": "under",
    "最高": "max", "最多": "max", "最长": "max", "最大": "max", "至多": "max", "不超过": "max",
    "不高于": "max", "不多于": "max",
    "至少": "min", "最少": "min", "最低": "min", "最短": "min", "不低于": "min", "不少于": "min",
    "起码": "min",
}
#: max/min words that govern a number a few words later: 最高可享受…下浮5%, 最长能达到10年
GOVERNING = {k: v for k, v in PREFIX_QUALIFIERS.items() if v in ("max", "min")}
_GOVERNING_VERB = ("可", "能", "将", "达", "为", "至", "到", "不")
GOVERNING_REACH = 14
#: qualifier words written after the unit
SUFFIX_QUALIFIERS = {"左右": "approx", "上下": "approx", "以上": "over", "之多": "over", "有余": "over",
                     "多": "over", "余": "over", "以下": "under", "以内": "under", "之内": "under"}
CONNECTORS = r"(?:至|到|~|～|〜|—{1,2}|–|-|－|−)"
_SPACE = r"[ \t\u3000]*"
_CLAUSE_END = frozenset("，,。；;！？!?：:\n、")
_SENTENCE_END = frozenset("。；;！？!?\n")
#: a one-character qualifier preceded by one of these is part of another word
_NOT_QUALIFIER_BEFORE = {"约": "节制签契预履违公条特合集规", "近": "最附临靠贴亲", "超": "赶高"}
_OPEN_QUOTES = frozenset("“‘「『\"")
_CLOSE_QUOTES = "”’」』\""


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

    def as_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "qualifier": self.qualifier,
                "min": self.min, "max": self.max}


def _numtok() -> str:
    frac = rf"(?:{NUMBER}分之{NUMBER}|{ARABIC}/{ARABIC}(?![/0-9]))"
    core = rf"(?:负|(?<![0-9A-Za-z０-９.])[-−－])?(?:{frac}|{NUMBER})"
    return rf"{core}(?:{_SPACE}[余多](?!少))?(?:{_SPACE}{MULTIPLIER})?(?:{_SPACE}[余多](?!少))?"


def _left_guard() -> str:
    # an Arabic number does not start inside a word or a longer number (G20, COVID-19, 2.5)
    return r"(?<![0-9A-Za-z０-９.,])"


class Scanner:
    """The compiled quantity pattern of one units file."""

    def __init__(self, units: Units):
        self.units = units
        u = units.alternation()
        per = units.alternation(standalone_only=False)
        unit = rf"(?:{u})(?:{_SPACE}[/／每]{_SPACE}(?:{per}))?"
        num = _numtok()
        pct = rf"(?:百分之|千分之)(?:{NUMBER})"
        ranged = (rf"(?P<n1>{num})(?:"
                  rf"{_SPACE}(?P<u1>{unit})(?:{_SPACE}(?P<c1>{CONNECTORS}){_SPACE}(?P<n2>{num}){_SPACE}(?P<u2>{unit}))?"
                  rf"|{_SPACE}(?P<c2>{CONNECTORS}){_SPACE}(?P<n3>{num}){_SPACE}(?P<u3>{unit})"
                  rf"{{bare}})")
        percent = rf"(?P<p1>{pct})(?:{_SPACE}(?P<c3>{CONNECTORS}){_SPACE}(?P<p2>{pct}))?"
        body = rf"{_left_guard()}(?:{percent}|{ranged})"
        self.strict = regex.compile(body.replace("{bare}", ""), regex.V0)
        self.loose = regex.compile(body.replace("{bare}", "|(?P<bare>)"), regex.V0)
        self._per_re = regex.compile(rf"^(.*?){_SPACE}[/／每]{_SPACE}(.+)$")

    # -- unit handling ------------------------------------------------------------------
    def _unit(self, written: str) -> tuple[Unit | None, str, Fraction, str | None]:
        """(unit, reported name, factor to apply, per-unit) for a written unit."""
        m = self._per_re.match(written)
        per = None
        if m:
            written, per = m.group(1), m.group(2)
            per_unit = self.units.get(per)
            per = per_unit.name if per_unit else per
        unit = self.units.get(written)
        if unit is None:
            return None, written, Fraction(1), per
        name, factor = unit.name, Fraction(1)
        if unit.report_as:
            name, factor = unit.report_as, unit.factor
        if per:
            name = f"{name}/{per}"
        return unit, name, factor, per

    # -- scanning -------------------------------------------------------------------------
    def scan(self, text: str, all_numbers: bool = False) -> list[Quantity]:
        pattern = self.loose if all_numbers else self.strict
        out: list[Quantity] = []
        for m in pattern.finditer(text):
            try:
                q = self._build(text, m, all_numbers)
            except (NumeralError, ArithmeticError, ValueError):
                q = None
            if q is not None:
                out.append(q)
        return out

    def _build(self, text: str, m, all_numbers: bool) -> Quantity | None:
        start = m.start()
        if m.group("p1") is not None:
            v1 = parse_number(m.group("p1")[3:])
            unit = "%" if m.group("p1").startswith("百") else "‰"
            if m.group("p2") is not None:
                v2 = parse_number(m.group("p2")[3:])
                return self._finish(text, start, m.end(), None, unit, "percent", lo=v1, hi=v2)
            return self._finish(text, start, m.end(), v1, unit, "percent")
        n1 = m.group("n1")
        if all_numbers and m.group("bare") is not None:
            if self._is_ordinal_or_name(text, start, n1, None):
                return None
            value, over = _value(n1)
            if n1.strip() in ("零", "〇") and not all_numbers:
                return None
            return self._finish(text, start, m.end(), value, None, None, over=over)
        if m.group("u1") is not None:
            written, n2, w2 = m.group("u1"), m.group("n2"), m.group("u2")
        else:
            written, n2, w2 = m.group("u3"), m.group("n3"), None
        unit, name, factor, per = self._unit(written)
        if unit is None:
            return None
        end = m.end()
        if w2 is not None and self.units.get(self._per_re.sub(r"\1", w2)) is not unit:
            n2, w2, end = None, None, m.end("u1")  # 3万元-5万美元 is no range
        # a unit that is the start of another word: 四次会议, 两支持, 80年代
        follow = text[end:end + 4]
        last_unit = w2 or written
        last = self.units.get(self._per_re.sub(r"\1", last_unit)) or unit
        if last.not_before and follow.startswith(last.not_before):
            return None
        if n2 is None:
            value, over = _value(n1)
            if self._not_a_quantity(text, start, n1, value, unit, end, over):
                return None
            value = self._percent_word(n1, value, unit)
            if value is None:
                return None
            return self._finish(text, start, end, value * Decimal(factor.numerator) / Decimal(factor.denominator),
                                name, unit.kind, over=over)
        # a range: 3至5万亩, 20%~30%, 2021-2025年
        v1, o1 = _value(n1)
        v2, o2 = _value(n2)
        if unit.kind == "time" and (self._is_date(n1, v1, unit, text, end) or self._is_date(n2, v2, unit, text, end)):
            return None
        if self._is_ordinal_or_name(text, start, n1, unit):
            return None
        if w2 is None:
            mult = _trailing_multiplier(n2)
            if mult != 1 and _trailing_multiplier(n1) == 1 and v1 * mult <= v2:
                v1 = v1 * mult
        f = Decimal(factor.numerator) / Decimal(factor.denominator)
        if v1 > v2:  # not a range but a subtraction or a code (e.g. 10-3)
            return None
        return self._finish(text, start, end, None, name, unit.kind, lo=v1 * f, hi=v2 * f)

    def _percent_word(self, n1: str, value: Decimal, unit: Unit) -> Decimal | None:
        if unit.name == "成":
            return value if value <= 10 else None
        if unit.name == "折":
            if value <= 10:
                return value
            if 10 < value < 100 and not any(c.isdigit() for c in n1):  # 七五折 → 75 %
                return value / 10
            return None
        return value

    def _finish(self, text, start, end, value, unit, kind, over=False, lo=None, hi=None) -> Quantity:
        qual, text_start = _prefix_qualifier(text, start)
        suffix, end = _suffix_qualifier(text, end)
        if over and qual is None:
            qual = "over"
        if qual is None:
            qual = suffix
        if qual is None:
            qual = _governing_qualifier(text, start)
        q = Quantity(start=start, end=end, text_start=text_start, value=value, unit=unit,
                     qualifier=qual, min=lo, max=hi, unit_kind=kind)
        if value is not None:
            if qual in ("over", "min"):
                q.min = value
            elif qual in ("under", "max"):
                q.max = value
        return q

    # -- what is not a quantity -------------------------------------------------------------
    def _is_ordinal_or_name(self, text: str, start: int, n1: str, unit: Unit | None) -> bool:
        before = text[max(0, start - 1):start]
        if before in ("第", "初", "周", "星", "礼", "其"):
            return True
        # a numbered slogan in quotation marks: “六个工程”, “两个确立”
        if before in _OPEN_QUOTES and not n1[0].isdigit():
            close = min((i for i in (text.find(c, start, start + 10) for c in _CLOSE_QUOTES) if i >= 0), default=-1)
            if close >= 0:
                return True
        return False

    def _is_date(self, n1: str, value: Decimal, unit: Unit, text: str, end: int) -> bool:
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

    def _not_a_quantity(self, text, start, n1, value, unit: Unit, end, over) -> bool:
        if self._is_ordinal_or_name(text, start, n1, unit):
            return True
        if unit.kind == "time" and not over and self._is_date(n1, value, unit, text, end):
            return True
        # 一 + measure word read as an article: 一个二维码, 一家企业, 一年来
        if n1 == "一" and unit.kind in ("count", "time"):
            return True
        return False


def _value(tok: str) -> tuple[Decimal, bool]:
    """Value of a number token and whether it carries 余/多 (more than)."""
    over = "余" in tok or "多" in tok
    if over:
        tok = tok.replace("余", "").replace("多", "")
    return parse_number(tok), over


def _trailing_multiplier(tok: str) -> Decimal:
    tok = tok.replace("余", "").replace("多", "").rstrip()
    mult = Decimal(1)
    values = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
    i = len(tok)
    while i > 0 and tok[i - 1] in values:
        i -= 1
    if i == len(tok) or not (tok[:i].strip() and tok[:i].strip()[-1].isdigit()):
        return mult
    for ch in tok[i:]:
        mult *= values[ch]
    return mult


@lru_cache(maxsize=1)
def _prefix_words():
    return sorted(PREFIX_QUALIFIERS, key=len, reverse=True)


def _prefix_qualifier(text: str, start: int) -> tuple[str | None, int]:
    """A qualifier word right before the number: (qualifier, where its text starts)."""
    i = start
    while i > 0 and text[i - 1] in " \t\u3000":
        i -= 1
    window = text[max(0, i - 4):i]
    for glue in ("", "为", "达", "有"):
        if glue and not window.endswith(glue):
            continue
        w = window[: len(window) - len(glue)] if glue else window
        for word in _prefix_words():
            if w.endswith(word):
                if len(word) == 1 and w[-2:-1] in _NOT_QUALIFIER_BEFORE.get(word, ""):
                    continue  # 节约, 最近, 赶超: part of another word
                return PREFIX_QUALIFIERS[word], i - len(glue) - len(word)
    return None, start


def _suffix_qualifier(text: str, end: int) -> tuple[str | None, int]:
    window = text[end:end + 2]
    for word in ("左右", "上下", "以上", "之多", "有余", "以下", "以内", "之内"):
        if window.startswith(word):
            return SUFFIX_QUALIFIERS[word], end + len(word)
    if window[:1] in ("多", "余") and window[1:2] in ("", "，", "。", "、", "；", " ", "的"):
        return "over", end + 1
    return None, end


def _governing_qualifier(text: str, start: int) -> str | None:
    lo = max(0, start - GOVERNING_REACH)
    window = text[lo:start]
    if not any(c in window for c in "最至不起"):
        return None
    for i in range(len(window) - 1, -1, -1):
        ch = window[i]
        if ch in _CLAUSE_END or ch.isdigit():
            return None
        for word, qual in GOVERNING.items():
            if window.startswith(word, i) and window[i + len(word): i + len(word) + 1] in _GOVERNING_VERB:
                return qual
    return None


def sentence_bounds(text: str, start: int, end: int, limit: int = 300) -> tuple[int, int]:
    """The sentence around text[start:end]: after the previous 。；！？ or line break, up to
    and including the next sentence end (at most `limit` characters each way)."""
    lo_limit = max(0, start - limit)
    lo = max(text.rfind(c, lo_limit, start) for c in _SENTENCE_END) + 1
    lo = max(lo, lo_limit)
    hi_limit = min(len(text), end + limit)
    ends = [i for i in (text.find(c, end, hi_limit) for c in _SENTENCE_END) if i >= 0]
    hi = min(ends) if ends else hi_limit
    if hi < len(text) and text[hi] != "\n" and ends:
        hi += 1
    return lo, hi


@lru_cache(maxsize=8)
def scanner_for(units: Units) -> Scanner:
    return Scanner(units)
