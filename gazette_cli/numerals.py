"""Numerals: find the span of a number in Chinese text and convert it to an exact value.

The scanner (``quantities``) embeds the regex sources built here in its one pattern; this
module owns what a number looks like and what it is worth. Values are ``decimal.Decimal``
so that 1216.72万 is exactly 12167200.

Forms read: Arabic digits (ASCII or full-width, thousands commas, decimals, 2e5, 2^5),
Chinese numerals in everyday and financial (大写) script, simplified and traditional
(一千二百, 壹仟贰佰, 兩萬), 两/俩, 〇/零, abbreviated tails (一万三 = 13000, 两千四百五 = 2450),
万万 = 亿, 万亿/兆 = 10^12, 亿亿 = 10^16, mixtures (5亿1万4千6百, 2千零30万, 1.2万亿), Chinese decimals
(十五点七, 两千万点五五), fractions (三分之一, 3/4, 一又二分之一), signs (负, -).
"""
from __future__ import annotations

from decimal import (ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow,
                     localcontext)
from functools import lru_cache

import regex

# --- character classes ---------------------------------------------------------------
#: Chinese digits other than 两 (traditional and financial forms included)
CN_DIGITS = "零〇○一二三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖幺"
#: 两 and its variants: a digit, or the mass unit (liang) after a numeral (二两, 一万两)
LIANG = "两兩俩倆"
CN_POWERS = "十拾百佰千仟万萬亿億兆"
_DEC_DIGITS = "零〇○一二三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖"
_ALL_CN = CN_DIGITS + LIANG + CN_POWERS
_NONZERO_CN = "".join(c for c in _ALL_CN if c not in "零〇○")
_D = "[0-9０-９]"
SPACE = r"[ \t\u3000]*"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－／＋ｋＫｅＥ", "0123456789.,-/+kkee")
_VARIANTS = str.maketrans({"貳": "贰", "參": "叁", "陸": "陆", "萬": "万", "億": "亿", "○": "〇",
                           "俩": "两", "倆": "两", "兩": "两", "拾": "十", "佰": "百", "仟": "千",
                           "點": "点", "負": "负", "幾": "几", "餘": "余", "−": "-", "—": "-"})
_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")}
_DIGIT.update({"〇": 0, "两": 2, "幺": 1, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6,
               "柒": 7, "捌": 8, "玖": 9})
_POWER = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8, "兆": 10**12}
_SMALL = (10, 100, 1000)
_BIG = (10**16, 10**12, 10**8, 10**4)


_MIXED = __import__("re").compile(r"^\s*([0-9０-９]+)\s+([0-9０-９]+(?:[.．][0-9０-９]+)?[/／][0-9０-９]+)\s*$")


class NumeralError(ValueError):
    """The text is not a number gazette can read."""


class NumberLimitError(NumeralError):
    """A number beyond gazette's limits (MAX_DIGITS): refused, never rounded or cut."""


#: the limit on numbers, one for every path: a number is read exactly when it has at most
#: MAX_DIGITS significant digits and its magnitude (multipliers, exponent and unit factor
#: applied) is below 10^MAX_DIGITS and, unless zero, at least 10^-MAX_DIGITS; anything
#: else is refused with a warning. The largest real figures (national budgets, 10^13 元)
#: are far inside it; float64 and JSON readers keep 15-17 digits of what is written.
MAX_DIGITS = 50
#: a numeral has at most this many pieces (digits, powers, 点 and the decimals after it,
#: 余/多/几): twice MAX_DIGITS; a longer one is refused whole
MAX_PIECES = 2 * MAX_DIGITS
#: the arithmetic of values: wide enough that products of values within MAX_DIGITS and
#: unit factors are exact (the default context rounds at 28 digits, silently)
CONTEXT = Context(prec=4 * MAX_DIGITS, rounding=ROUND_HALF_EVEN, Emax=10 * MAX_DIGITS,
                  Emin=-10 * MAX_DIGITS, traps=[InvalidOperation, DivisionByZero, Overflow])


def within_limits(value: Decimal) -> bool:
    """Is a value's magnitude inside the limit (below 10^MAX_DIGITS, and at least
    10^-MAX_DIGITS unless zero)? Exact comparisons; never raises."""
    if not value.is_finite():
        return False
    # adjusted() is the exponent of the leading digit: |v| < 10^N ⇔ adjusted < N, and
    # |v| >= 10^-N ⇔ adjusted >= -N (exact, and cheaper than comparing Decimals)
    return not value or -MAX_DIGITS <= value.adjusted() < MAX_DIGITS


def _dec(digits: str) -> Decimal:
    """A written number (digits, point, exponent) as an exact Decimal; NumberLimitError
    beyond MAX_DIGITS significant digits or outside the magnitude limit."""
    try:
        d = Decimal(digits)
    except InvalidOperation as exc:
        raise NumeralError(digits[:40]) from exc
    t = d.as_tuple()
    if len(t.digits) > MAX_DIGITS and len("".join(map(str, t.digits)).rstrip("0")) > MAX_DIGITS:
        raise NumberLimitError(f"more than {MAX_DIGITS} significant digits")
    if not within_limits(d):
        raise NumberLimitError(f"magnitude beyond 10^±{MAX_DIGITS}")
    return d


# --- regex sources (for the `regex` module); no capturing groups -------------------------
def arabic(loose: bool = False) -> str:
    """An Arabic number: digits with thousands commas (， only between full-width digits),
    decimal point, exponent 2e5 or power 2^5; loose also .5 and the suffixes k and M."""
    body = (rf"{_D}+(?:(?:,|(?<=[０-９])，){_D}{{3}}(?!{_D}))*(?:[.．]{_D}+)?"
            rf"(?:[eE][-+－]?{_D}+(?![A-Za-z]))?(?:\^[-+]{{0,2}}[0-9]+(?:\.[0-9]+)?)?")
    if loose:
        body = rf"(?:{body}|(?<![0-9０-９.．])[.．]{_D}+)(?:[ ]?[kKＫ](?![A-Za-z])|[ ]?M(?![A-Za-z]))?"
    return rf"(?>{body})"  # atomic: a run of digits is never given back digit by digit


def power(prefixed: dict[str, list[str]] | None = None) -> str:
    """One power character; not the first character of a unit it prefixes (千米, 兆字节)."""
    alts = []
    for ch in "十拾百佰千仟万萬亿億兆":
        rests = sorted(set((prefixed or {}).get(ch, [])), key=lambda r: (-len(r), r))   # fixed order: the source is a cache key
        if ch in "百佰":
            rests = rests + ["分位"]
        look = "(?!" + "|".join(_esc(r) for r in rests) + ")" if rests else ""
        alts.append(f"{ch}{look}")
    return "(?:" + "|".join(alts) + ")"


def _esc(s: str) -> str:
    return regex.escape(s)


def number(loose: bool = False, prefixed: dict[str, list[str]] | None = None, power_after: str = "") -> str:
    """One number, Arabic, Chinese or mixed (5亿1万4千6百), with 余/多/几 inside (十余万).

    Strict: spaces only between an Arabic number and its multiplier (500 万). Loose (the
    --all-numbers path): spaces between any two pieces (三千 九百 六十五, 四百 点 五).
    """
    head, piece = _pieces(loose, prefixed, power_after)
    # atomic: no piece is ever given back (no unit starts with a numeral piece: 千米 and 两
    # are kept out by lookaheads), so a failed match costs its length once, and the heads
    # never start inside it. At most MAX_PIECES pieces, and maximal: a longer numeral is
    # not cut but refused whole (``overlong`` finds it, the scanner warns).
    return rf"(?>{head}{piece}{{0,{MAX_PIECES - 1}}})(?!{piece})"


def overlong(loose: bool = False, prefixed: dict[str, list[str]] | None = None, power_after: str = "") -> str:
    """A numeral of more than MAX_PIECES pieces (matches its first MAX_PIECES)."""
    head, piece = _pieces(loose, prefixed, power_after)
    return rf"(?>{head}{piece}{{{MAX_PIECES - 1}}})(?={piece})"


def _pieces(loose: bool, prefixed, power_after: str = "") -> tuple[str, str]:
    """(the first piece of a number, one more piece) as regex sources. `power_after`: a
    lookbehind (regex source) after which a power alone starts a number (逾千家, 近万人)."""
    sp = SPACE if loose else ""
    pw = power(prefixed)
    ar = arabic(loose)
    # 两 inside a numeral only when more numeral follows; a final 两 is the unit (一万两).
    # No digit right after an Arabic digit or after 余/多/几 (十多万 yes, 十多三 no)
    cn_digit = rf"(?<![0-9０-９余餘多几幾]{sp})(?:[{CN_DIGITS}]|[{LIANG}](?={sp}[{_ALL_CN}点點几幾余餘多]))"
    dec = rf"[点點]{sp}[{_DEC_DIGITS}]++"
    # A number starts where no number can go on: not inside a numeral (二〇二五, 一千零五,
    # 一点五); the other heads below likewise. This keeps the scan linear: a failed match
    # is never retried from each of its characters.
    after_cn = rf"(?<![{_NONZERO_CN}]{sp})(?<![{_ALL_CN}][零〇○]{sp})(?:(?<![{_ALL_CN}0-9０-９][点點]{sp})|(?![{_DEC_DIGITS}]))"
    # 十 goes on a number after 几, 余, 多 (十几十, 二十多十): not a head there
    after_cn += rf"(?:(?<![{_ALL_CN}0-9０-９][余餘多几幾]{sp})|(?![十拾]))"
    head_cn = rf"{after_cn}(?![两兩][两兩])(?:[{CN_DIGITS}{LIANG}]|[十拾])"
    # 百余家, 千余人, 万余亩, 百多年, 百万余人: a power alone, then 余 or 多
    not_after = rf"(?<![{_ALL_CN}0-9０-９]{sp})"
    head_cn = rf"(?:{head_cn}|{not_after}[百佰千仟万萬亿億](?=[百千万萬亿億]?[余餘多](?!少)))"
    if power_after:  # 逾千家, 近万人, 超百亿元: a power alone after a word of the units file
        head_cn = rf"(?:{head_cn}|{power_after}(?=[百佰千仟万萬亿億]){pw})"
    if loose:  # 百三, 千三: a power first, then one digit
        head_cn = rf"(?:{head_cn}|{not_after}[百千](?=[一二三四五六七八九](?![{_ALL_CN}点])))"
    first = "[0-9０-９.．]" if loose else "[0-9０-９]"
    # strict: not the next digit of a number typeset with spaces (1 9 9 8 年, 3 5 5 5 万人):
    # after a lone digit and a space; after a longer number it is the next cell of a table
    # row (38 36 76.32%)
    spaced = "" if loose else r"(?<!(?<![0-9０-９])[0-9０-９][ \t])"
    # not after a power or zero that ends a number (1万|1万, 一千零|5): there it goes on
    after_ar = rf"(?<![0-9０-９{_ALL_CN}几幾余餘多][{CN_POWERS}零〇]{sp})"
    if not loose:  # 5 万|5: spaces between digits and power
        after_ar += rf"(?<![0-9０-９][ \t]+[{CN_POWERS}零〇])"
    head = (rf"(?:(?={first})(?<![0-9A-Za-z０-９]){spaced}(?<![0-9０-９][.,．]){after_ar}{ar}"
            rf"|(?=[{_ALL_CN}])(?:{head_cn}))")
    tail = (rf"(?:{pw}|{cn_digit}|[几幾](?<=[{_ALL_CN}]{sp}[几幾])|[余餘多](?!少)"
            rf"|{dec}|(?<=[{CN_POWERS}零〇]{sp}){ar})")
    # strict: spaces only after digits, before a power or 余/多 (500 万); one way to match only
    between = rf"(?:(?<={_D})[ \t]+(?={pw}|[余餘多](?!少)))?" if not loose else sp
    return head, rf"(?:{between}{tail})"


def fraction(num: str, loose: bool = False) -> str:
    """A number token: a number optionally followed by the rest of a fraction — 3/4,
    X分之Y, X又Y分之Z (spaces allowed in loose) — and in loose also 1 3/5."""
    sp = SPACE if loose else ""
    neg = r"(?:[负負]|(?<![0-9A-Za-z０-９.])[-−－])?"
    slash = (rf"(?<=(?<![0-9０-９.．]){_D}{{1,3}}(?:[.．]{_D}{{1,4}})?)[/／]{_D}{{1,3}}(?![/／0-9０-９.．])")
    of = rf"{sp}分{sp}之{sp}{neg}{num}"
    # X又Y分之Z before X分之Z, as the alternation `又Y分之Z|分之Z` would try them, with one
    # copy of the number fewer (each copy costs ~10 ms of compile time at start-up)
    body = rf"{num}(?:{slash}|(?:{sp}又{sp}{neg}{num})?{of})?"
    if loose:  # 1 3/5
        mixed = rf"(?=[0-9０-９]+[ \t]+[0-9０-９]{{1,3}}[/／])(?<![0-9０-９]){_D}+[ \t]+{_D}{{1,3}}[/／]{_D}{{1,3}}(?![/／0-9０-９.．])"
        body = rf"(?:{mixed}|{body})"
    return neg + body


# --- values ---------------------------------------------------------------------------
def _tokens(s: str) -> list[tuple[str, object]]:
    """'5亿1万4千6百' → [('n', 5), ('p', 1e8), ('n', 1), ...]; 'd' Chinese digit, 'z' zero."""
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isascii() and (c.isdigit() or c == "."):
            j = i
            while j < n and s[j].isascii() and (s[j].isdigit() or s[j] in ".,"):
                j += 1
            out.append(("n", _dec(s[i:j].replace(",", ""))))
            i = j
            continue
        if c in ("零", "〇"):
            out.append(("z", 0))
        elif c in _DIGIT:
            out.append(("d", _DIGIT[c]))
        elif c in _POWER:
            out.append(("p", _POWER[c]))
        else:
            raise NumeralError(s)
        i += 1
    return out


def _section(toks) -> Decimal:
    """A value below 万 built with 十百千 (and digits or Arabic numbers)."""
    total, cur, last, zero = Decimal(0), None, None, False
    for kind, v in toks:
        if kind in ("d", "n"):
            if cur is not None:
                raise NumeralError("two digits in a row")
            cur = Decimal(v)
        elif kind == "z":
            if cur is not None:
                raise NumeralError("digit before zero")
            zero = True
        else:
            if last is not None and v >= last:
                raise NumeralError("powers out of order")
            total += (cur if cur is not None else 1) * v
            cur, last, zero = None, v, False
    if cur is not None:
        if last is not None and not zero and cur < 10 and cur == cur.to_integral_value():
            cur = cur * last / 10  # 两千四百五 = 2450, 百三 = 130
        total += cur
    return total


def _big(toks) -> Decimal:
    """Split at the first of the largest power present (兆, 亿, 万): left × power + right.
    万万 is 亿 (四万万); 万亿 multiplies (一万亿零一亿 = 1000100000000)."""
    for big in _BIG:
        i = next((k for k, t in enumerate(toks) if t == ("p", big)), -1)
        if i < 0:
            continue
        left, right = toks[:i], toks[i + 1:]
        lv = _big(left) if left else Decimal(1)
        if len(right) == 1 and right[0][0] == "d":
            rv = Decimal(right[0][1]) * big / 10  # 一万三 = 13000, 一亿五 = 150000000
        else:
            while right and right[0][0] == "z":
                right = right[1:]
            rv = _big(right) if right else Decimal(0)
            if rv >= lv * big:
                raise NumeralError("tail larger than its head")
        return lv * big + rv
    return _section(toks)


def _merge_wanwan(toks):
    """万万 → 亿 (四万万 = 400000000), 亿亿 → 10^16 (一千万亿亿 = 10^23): a doubled unit
    multiplier is its square."""
    out = []
    for t in toks:
        if t in (("p", 10**4), ("p", 10**8)) and out and out[-1] == t:
            out[-1] = ("p", t[1] ** 2)
        else:
            out.append(t)
    return out


def _plain(s: str) -> Decimal:
    """A number without sign, fraction or exponent: Arabic, Chinese or mixed, with 点."""
    if not s:
        raise NumeralError(s)
    if "点" in s:
        whole, _, frac = s.partition("点")
        i = 0
        while i < len(frac) and frac[i] in _DIGIT and frac[i] != "两":
            i += 1
        digits, rest = frac[:i], frac[i:]
        if not digits or any(c not in _POWER for c in rest):
            raise NumeralError(s)
        mult = Decimal(1)
        for c in rest:
            mult *= _POWER[c]
        w = _plain(whole) if whole else Decimal(0)
        return (w + _dec("0." + "".join(str(_DIGIT[c]) for c in digits))) * mult
    toks = _tokens(s)
    if len(toks) > MAX_PIECES:
        raise NumberLimitError(f"a numeral of more than {MAX_PIECES} pieces")
    toks = _merge_wanwan(toks)
    if not any(k == "p" for k, _ in toks):
        if len(toks) == 1:
            return Decimal(toks[0][1])
        if all(k in ("d", "z") for k, _ in toks):  # digit by digit: 二〇二五
            return _dec("".join(str(v) for _, v in toks))
        raise NumeralError(s)
    return _big(toks)


@lru_cache(maxsize=65536)
def parse_number(text: str) -> Decimal:
    """Convert one numeral span to its exact value.

    >>> parse_number("9.97亿"), parse_number("一千二百"), parse_number("1,234.5")
    (Decimal('997000000.00'), Decimal('1200'), Decimal('1234.5'))
    Raises NumeralError for text that is not a number, NumberLimitError (a NumeralError)
    for a number beyond MAX_DIGITS; nothing else.
    """
    try:
        with localcontext(CONTEXT):
            value = _parse(text)
    except NumeralError:
        raise
    except (ArithmeticError, ValueError) as exc:  # decimal.Overflow, float overflow
        raise NumberLimitError(f"{type(exc).__name__}") from None
    if not within_limits(value):
        raise NumberLimitError(f"magnitude beyond 10^±{MAX_DIGITS}")
    return value


def _parse(text: str) -> Decimal:
    mixed = _MIXED.match(text)
    if mixed:  # 1 3/5: a whole number and a fraction
        return _parse(mixed.group(1)) + _parse(mixed.group(2))
    s = "".join(text.split()).translate(_FULLWIDTH).translate(_VARIANTS)
    if not s:
        raise NumeralError(text)
    if "又" in s:  # 三百五十又三分之一
        whole, _, frac = s.partition("又")
        sign = -1 if whole[:1] in ("负", "-") else 1
        return sign * (abs(_parse(whole)) + abs(_parse(frac)))
    if "分之" in s:
        den, _, num = s.partition("分之")
        if den in ("百", "千", "万"):  # 百分之五 is a percent: the scanner reads the unit
            return _parse(num)
        d = _parse(den)
        if d == 0:
            raise NumeralError(text)
        return _parse(num) / d
    sign = 1
    if s[0] in "负-":
        sign, s = -1, s[1:]
    elif s[0] in "正+":
        s = s[1:]
    if not s:
        raise NumeralError(text)
    if "/" in s:
        num, _, den = s.partition("/")
        d = _parse(den)
        if d == 0:
            raise NumeralError(text)
        return sign * _parse(num) / d
    if "^" in s:
        base, _, exp = s.partition("^")
        esign = 1
        while exp[:1] in ("-", "+"):
            esign = -esign if exp[0] == "-" else esign
            exp = exp[1:]
        e = esign * _dec(exp)
        if abs(e) > 100:
            raise NumberLimitError("exponent beyond ^100")
        b = _plain(base)
        if e == e.to_integral_value():
            return sign * b ** int(e)
        return sign * Decimal(float(b) ** float(e))
    mult = Decimal(1)
    if s[-1] in "kM":
        mult = Decimal(1000) if s[-1] == "k" else Decimal(10**6)
        s = s[:-1]
    m = s.lower().find("e")
    if m > 0:
        return sign * _dec(s.replace(",", "")) * mult
    return sign * _plain(s) * mult


@lru_cache(maxsize=1024)   # a handful of unit factors, met at every quantity
def from_fraction(f) -> Decimal:
    """An exact unit factor (Fraction) as a Decimal to multiply values by: exact for a
    whole number, else rounded to CONTEXT's precision (1/15)."""
    if f.denominator == 1:
        return Decimal(f.numerator)
    return CONTEXT.divide(Decimal(f.numerator), Decimal(f.denominator))


def to_json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number an analyst expects: integral values inside the limit
    (MAX_DIGITS) as exact int, others as float (beyond 1e308: inf). Never raises."""
    if within_limits(value) and value == value.to_integral_value():
        return int(value)
    return float(value)
