"""Numerals: find the span of a number in Chinese text and convert it to an exact value.

The scanner (``extraction``) embeds the regex sources below in its one pattern; this
module owns what a number looks like and what it is worth. Conversion of Chinese numeral
runs is delegated to cn2an, applied only to spans found here (cn2an's own ``transform``
would rewrite idioms such as 统一 or 两三个).

Values are ``decimal.Decimal`` so that 1216.72万 is exactly 12167200.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

# --- regex sources (for the `regex` module); no capturing groups -------------------------
CN_DIGITS = "零〇○一二三四五六七八九两俩壹贰貳贰叁參肆伍陆陸柒捌玖幺廿卅"
CN_POWERS = "十拾百佰千仟万萬亿億兆"
_CN_DEC_DIGITS = "零〇○一二三四五六七八九壹贰叁肆伍陆柒捌玖"
_D = "[0-9０-９]"

#: Arabic number: digits with optional thousands commas, decimal point, exponent.
ARABIC = rf"{_D}+(?:,{_D}{{3}}(?!{_D}))*(?:[.．]{_D}+)?(?:[eE][-+]?[0-9]+)?"
#: Multiplier written after an Arabic number (9.97亿, 1000 万, 5千, 1.2万亿).
#: 千 before 米/克/瓦/卡/字节/比特 is a unit prefix (5千米), not a multiplier.
MULTIPLIER = r"(?:[十百千]?万亿|[十百千]?亿|[十百千]?万|千(?![米克瓦卡字比])|百(?![分])|兆(?![瓦字赫]))"
#: Chinese numeral run: starts with a digit or 十/拾 (百, 千, 万 alone start idioms:
#: 百姓, 千家万户, 万象更新), may carry a decimal part with 点.
CHINESE = rf"[{CN_DIGITS}十拾][{CN_DIGITS}{CN_POWERS}]*(?:点[{_CN_DEC_DIGITS}]+[万亿]*)?"
#: One number, Arabic (with optional multiplier after optional spaces) or Chinese.
NUMBER = rf"(?:{ARABIC}(?:[ \t]*{MULTIPLIER})?|{CHINESE})"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
_POWER_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "兆": 10**12}
_CN_ONLY_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_ONLY_DIGITS.update({"〇": 0, "○": 0, "两": 2, "俩": 2, "幺": 1, "壹": 1, "贰": 2, "貳": 2,
                        "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9})
_VARIANTS = str.maketrans({"貳": "贰", "參": "叁", "陸": "陆", "萬": "万", "億": "亿", "○": "〇",
                           "俩": "两", "拾": "十", "佰": "百", "仟": "千"})


class NumeralError(ValueError):
    """The text is not a number gazette can read."""


def _multiplier_value(m: str) -> Decimal:
    value = Decimal(1)
    for ch in m:
        value *= _POWER_VALUE[ch]
    return value


def _split_trailing_multiplier(s: str) -> tuple[str, Decimal]:
    """'9.97亿' → ('9.97', 1e8); '1.2万亿' → ('1.2', 1e12); '5千' → ('5', 1000)."""
    i = len(s)
    while i > 0 and s[i - 1] in _POWER_VALUE:
        i -= 1
    return s[:i].rstrip(), _multiplier_value(s[i:]) if i < len(s) else Decimal(1)


def _chinese(s: str) -> Decimal:
    s = s.translate(_VARIANTS)
    if "点" in s:
        whole, _, frac = s.partition("点")
        frac, mult = _split_trailing_multiplier(frac)
        digits = "".join(str(_CN_ONLY_DIGITS[c]) for c in frac if c in _CN_ONLY_DIGITS)
        if len(digits) != len(frac) or not digits:
            raise NumeralError(s)
        return (_chinese(whole) + Decimal("0." + digits)) * mult if whole else Decimal("0." + digits) * mult
    if len(s) > 1 and all(c in _CN_ONLY_DIGITS for c in s) and not s.startswith(("两",)):
        # digit by digit, as in years and codes: 二〇二五
        return Decimal("".join(str(_CN_ONLY_DIGITS[c]) for c in s))
    try:
        v = cn2an.cn2an(s, "smart")
    except (ValueError, KeyError, IndexError) as exc:  # cn2an raises ValueError on bad input
        raise NumeralError(s) from exc
    return Decimal(str(v))


@lru_cache(maxsize=65536)
def parse_number(text: str) -> Decimal:
    """Convert one numeral span to its exact value.

    >>> parse_number("9.97亿"), parse_number("一千二百"), parse_number("1,234.5")
    (Decimal('997000000.00'), Decimal('1200'), Decimal('1234.5'))
    Raises NumeralError for text that is not a number.
    """
    s = "".join(text.split()).translate(_FULLWIDTH)
    if not s:
        raise NumeralError(text)
    sign = 1
    if s[0] in "负-−":
        sign, s = -1, s[1:]
    elif s[0] == "正" or s[0] == "+":
        s = s[1:]
    if not s:
        raise NumeralError(text)
    if "分之" in s:
        den, _, num = s.partition("分之")
        if den in ("百", "千", "万"):  # 百分之五 is handled as a percent by the scanner
            return sign * parse_number(num)
        d = parse_number(den)
        if d == 0:
            raise NumeralError(text)
        return sign * parse_number(num) / d
    if "/" in s:
        num, _, den = s.partition("/")
        d = parse_number(den)
        if d == 0:
            raise NumeralError(text)
        return sign * parse_number(num) / d
    if s[0].isascii() and s[0].isdigit():
        core, mult = _split_trailing_multiplier(s)
        try:
            return sign * Decimal(core.replace(",", "")) * mult
        except InvalidOperation as exc:
            raise NumeralError(text) from exc
    return sign * _chinese(s)


def to_json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number an analyst expects: integral values as int."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
