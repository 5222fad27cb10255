"""Units: the units file (rules/units.yaml) loaded, validated and turned into lookups.

The engine knows no unit by itself. Each unit has a kind (money, measure, count, time,
percent), a dimension and an exact factor to that dimension's base, so that any two units
of one dimension convert exactly (5.2万公顷 → 780000 亩).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path


from .datafile import LineDict, load_yaml, word_list
from .errors import DataFileError, Problem
from .resources import default_units_file

KINDS = ("money", "measure", "count", "time", "percent")
_UNIT_FIELDS = {"name", "kind", "dimension", "factor", "aliases", "iso", "report_as", "standalone", "not_before",
                "not_after", "example"}


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    dimension: str
    factor: Fraction = Fraction(1)
    iso: str | None = None
    report_as: str | None = None
    standalone: bool = True
    not_before: tuple[str, ...] = ()
    #: words that, right before the number, show the unit is no measure there (红十字会)
    not_after: tuple[str, ...] = ()
    #: (a sentence, the value it holds in this unit as reported): tests/test_units.py runs it
    example: tuple | None = None


def _fraction(raw) -> Fraction:
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, float)):
        return Fraction(str(raw))
    return Fraction(str(raw).replace(" ", ""))


class Units:
    """All units of one units file, looked up by name or alias."""

    def __init__(self, units: list[Unit], aliases: dict[str, Unit], path: str = "<units>",
                 scanner: dict | None = None):
        self.path = path
        self.units = {u.name: u for u in units}
        self.by_alias = dict(aliases)
        #: the validated `scanner:` section: symbols, named, phrases, not_numbers, qualifiers
        self.scanner = scanner or {}

    def get(self, written: str) -> Unit | None:
        return self.by_alias.get(written)

    def __contains__(self, written: str) -> bool:
        return written in self.by_alias

    def spellings(self, standalone_only: bool = True, only=None) -> list[str]:
        """Every spelling (of the units `only` accepts), longest first (个百分点 before 个):
        the order a pattern must try them in."""
        names = [a for a, u in self.by_alias.items()
                 if (u.standalone or not standalone_only) and (only is None or only(u))]
        return sorted(names, key=lambda s: (-len(s), s))

    def convertible(self, a: str, b: str) -> bool:
        ua, ub = self.units.get(a), self.units.get(b)
        return bool(ua and ub and ua.dimension == ub.dimension)

    def convert(self, value: Fraction, src: str, dst: str) -> Fraction:
        """Exact conversion between two units of one dimension."""
        us, ud = self.units[src], self.units[dst]
        if us.dimension != ud.dimension:
            raise ValueError(f"cannot convert {src} to {dst}")
        return value * us.factor / ud.factor


def parse_units(data, path: str) -> tuple[Units | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(line: int, what: str, rule: str | None = None):
        problems.append(Problem(path, line, what, rule))

    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        bad(getattr(data, "line", 1), "a units file is a mapping with a `units:` list (see the syntax at its top)")
        return None, problems
    for key in data:
        if key not in ("dimensions", "units", "scanner"):
            bad(data.line_of(key), f"unknown top-level field {key!r} (allowed: dimensions, units, scanner)")
    dims = data.get("dimensions") or {}
    if not isinstance(dims, dict):
        bad(data.line_of("dimensions"), "`dimensions:` must map each dimension to its base unit")
        dims = {}
    units: list[Unit] = []
    aliases: dict[str, Unit] = {}
    alias_line: dict[str, int] = {}
    for entry in data["units"]:
        line = getattr(entry, "line", data.line_of("units"))
        if not isinstance(entry, LineDict):
            bad(line, f"unit entry must be a mapping, got {entry!r}")
            continue
        name = entry.get("name")
        label = str(name) if name is not None else None
        for key in entry:
            if key not in _UNIT_FIELDS:
                bad(entry.line_of(key), f"unknown field {key!r} (allowed: {', '.join(sorted(_UNIT_FIELDS))})", label)
        if not isinstance(name, str) or not name:
            bad(line, "unit without a `name`")
            continue
        kind = entry.get("kind")
        if kind not in KINDS:
            bad(entry.line_of("kind"), f"kind must be one of {', '.join(KINDS)}, got {kind!r}", name)
            continue
        dim = entry.get("dimension", name if kind != "money" else f"currency:{entry.get('iso') or name}")
        if "dimension" in entry and dim not in dims and kind != "money":
            bad(entry.line_of("dimension"), f"unknown dimension {dim!r} (declare it under `dimensions:`)", name)
        try:
            factor = _fraction(entry.get("factor", 1))
            if factor <= 0:
                raise ValueError
        except (ValueError, ZeroDivisionError):
            bad(entry.line_of("factor"), f"factor must be a positive number or fraction like 2000/3, got {entry.get('factor')!r}", name)
            continue
        raw_aliases = word_list(entry.get("aliases") or [])
        if raw_aliases is None:
            bad(entry.line_of("aliases"), "aliases must be a list of non-empty strings", name)
            raw_aliases = []
        not_before = word_list(entry.get("not_before") or [])
        if not_before is None:
            bad(entry.line_of("not_before"), "not_before must be a list of non-empty strings", name)
            not_before = []
        not_after = word_list(entry.get("not_after") or [])
        if not_after is None:
            bad(entry.line_of("not_after"), "not_after must be a list of non-empty strings", name)
            not_after = []
        example = entry.get("example")
        if example is not None:
            ok = isinstance(example, list) and len(example) in (2, 3) and isinstance(example[0], str) and example[0] \
                and (len(example) == 2 or isinstance(example[2], str))
            try:
                if ok:
                    _fraction(example[1])
            except (ValueError, ZeroDivisionError):
                ok = False
            if not ok:
                bad(entry.line_of("example"), "example must be [a sentence, the value it holds] or "
                    f"[sentence, value, unit reported], got {example!r}", name)
                example = None
            else:
                example = (example[0], str(example[1]), *example[2:])
        unit = Unit(name=name, kind=kind, dimension=str(dim), factor=factor, iso=entry.get("iso"),
                    report_as=entry.get("report_as"), standalone=bool(entry.get("standalone", True)),
                    not_before=tuple(not_before), not_after=tuple(not_after), example=example)
        units.append(unit)
        for a in [name, *raw_aliases]:
            if a in aliases:
                bad(entry.line_of("aliases") if a != name else line,
                    f"spelling {a!r} already defined at line {alias_line[a]}", name)
                continue
            aliases[a] = unit
            alias_line[a] = line
    names = {u.name for u in units}
    for u in units:
        if u.report_as and u.report_as not in names:
            bad(0, f"report_as names unknown unit {u.report_as!r}", u.name)
    scanner = _parse_scanner(data.get("scanner"), data, aliases, bad)
    return Units(units, aliases, path, scanner), problems


SCANNER_FIELDS = ("symbols", "named", "phrases", "not_numbers", "qualifiers", "bare_powers_after", "implied_units")
QUALIFIERS = ("approx", "over", "under", "max", "min")
QUALIFIER_FIELDS = ("before", "after", "governing_verbs", "reach", "not_after")


def _parse_scanner(raw, data, aliases: dict[str, Unit], bad) -> dict:
    """Validate the optional `scanner:` section; problems go to `bad(line, what)`."""
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        bad(data.line_of("scanner"), f"`scanner:` must be a mapping of {', '.join(SCANNER_FIELDS)}")
        return {}
    out: dict = {}
    for key in raw:
        if key not in SCANNER_FIELDS:
            bad(raw.line_of(key), f"scanner: unknown field {key!r} (allowed: {', '.join(SCANNER_FIELDS)})")
    symbols = raw.get("symbols") or {}
    if not isinstance(symbols, LineDict):
        bad(raw.line_of("symbols"), "scanner.symbols must map a unit to the symbols written before the amount")
        symbols = {}
    out["symbols"] = {}
    for unit, spellings in symbols.items():
        if unit not in aliases:
            bad(symbols.line_of(unit), f"scanner.symbols: unknown unit {unit!r}")
        elif word_list(spellings) is None:
            bad(symbols.line_of(unit), f"scanner.symbols: {unit}: a list of symbols, e.g. [￥, ¥]")
        else:
            out["symbols"][unit] = word_list(spellings)
    for key in ("named", "not_numbers", "bare_powers_after"):
        items = word_list(raw.get(key) or [])
        if items is None:
            bad(raw.line_of(key), f"scanner.{key} must be a list of words")
            items = []
        if key == "named":
            for x in items:
                if x not in aliases:
                    bad(raw.line_of(key), f"scanner.named: {x!r} is no unit or alias")
            items = [x for x in items if x in aliases]
        out[key] = items
    qualifier_words = set(((raw.get("qualifiers") or {}).get("before") or {}) if isinstance(raw.get("qualifiers"), dict) else ())
    for w in out["bare_powers_after"]:
        if w not in qualifier_words:
            bad(raw.line_of("bare_powers_after"), f"scanner.bare_powers_after: {w!r} is no word of qualifiers.before")
    out["phrases"] = []
    for p in raw.get("phrases") or []:
        line = getattr(p, "line", raw.line_of("phrases"))
        if not isinstance(p, LineDict) or not isinstance(p.get("text"), str) or "value" not in p:
            bad(line, "scanner.phrases: each phrase needs `text` and `value` (and may name a `unit`)")
            continue
        try:
            _fraction(p["value"])
        except (ValueError, ZeroDivisionError):
            bad(line, f"scanner.phrases: {p['text']}: value must be a number, got {p['value']!r}")
            continue
        if p.get("unit") is not None and p["unit"] not in aliases:
            bad(line, f"scanner.phrases: {p['text']}: unknown unit {p['unit']!r}")
            continue
        out["phrases"].append({"text": p["text"], "value": p["value"], "unit": p.get("unit")})
    out["qualifiers"] = _parse_qualifiers(raw.get("qualifiers"), raw, bad)
    out["implied_units"] = _parse_implied(raw.get("implied_units"), raw, aliases, bad)
    return out


def _parse_implied(raw, scanner, aliases, bad) -> list[dict]:
    """scanner.implied_units: [{unit, after_words, reach}] — a figure in 亿 or 万亿 with no unit
    after it takes `unit` where one of `after_words` stands before it in its clause, at most
    `reach` characters back (贷款余额达150亿 → 150亿元)."""
    if raw is None:
        return []
    example = "[{unit: 元, after_words: [贷款, 授信], reach: 16}]"
    if not isinstance(raw, list):
        bad(scanner.line_of("implied_units"), f"scanner.implied_units must be a list such as {example}")
        return []
    out = []
    for item in raw:
        line = getattr(item, "line", scanner.line_of("implied_units"))
        if not isinstance(item, LineDict) or set(item) - {"unit", "after_words", "reach"}:
            bad(line, f"scanner.implied_units: each entry has unit, after_words and reach, e.g. {example}")
            continue
        words, reach = word_list(item.get("after_words")), item.get("reach", 16)
        if item.get("unit") not in aliases:
            bad(line, f"scanner.implied_units: unknown unit {item.get('unit')!r}")
        elif not words:
            bad(line, "scanner.implied_units: after_words must be a list of words")
        elif not isinstance(reach, int) or isinstance(reach, bool) or not 1 <= reach <= 60:
            bad(line, f"scanner.implied_units: reach must be a whole number from 1 to 60, got {reach!r}")
        else:
            out.append({"unit": aliases[item["unit"]].name, "after_words": tuple(words), "reach": reach})
    return out


def _parse_qualifiers(raw, scanner, bad) -> dict:
    if raw is None:
        return {}
    line = scanner.line_of("qualifiers")
    if not isinstance(raw, LineDict):
        bad(line, "scanner.qualifiers must be a mapping of before, after, governing_verbs, reach, not_after")
        return {}
    out: dict = {}
    for key in raw:
        if key not in QUALIFIER_FIELDS:
            bad(raw.line_of(key), f"scanner.qualifiers: unknown field {key!r} (allowed: {', '.join(QUALIFIER_FIELDS)})")
    for key in ("before", "after"):
        words = raw.get(key) or {}
        if not isinstance(words, dict):
            bad(raw.line_of(key), f"scanner.qualifiers.{key} must map words to a qualifier")
            continue
        out[key] = {}
        for word, qual in words.items():
            if not isinstance(word, str) or not word:
                bad(raw.line_of(key), f"scanner.qualifiers.{key}: {word!r} is no word")
            elif qual not in QUALIFIERS:
                bad(words.line_of(word) if isinstance(words, LineDict) else raw.line_of(key),
                    f"scanner.qualifiers.{key}: {word}: {qual!r} is no qualifier (use {', '.join(QUALIFIERS)})")
            else:
                out[key][word] = qual
    verbs = raw.get("governing_verbs") or []
    if not isinstance(verbs, list) or not all(isinstance(v, str) and len(v) == 1 for v in verbs):
        bad(raw.line_of("governing_verbs"), "scanner.qualifiers.governing_verbs must be a list of single characters")
        verbs = []
    out["governing_verbs"] = verbs
    reach = raw.get("reach", 0)
    if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 40:
        bad(raw.line_of("reach"), f"scanner.qualifiers.reach must be a whole number from 0 to 40, got {reach!r}")
        reach = 0
    out["reach"] = reach
    not_after = raw.get("not_after") or {}
    if not isinstance(not_after, dict) or not all(isinstance(v, str) for v in not_after.values()):
        bad(raw.line_of("not_after"), "scanner.qualifiers.not_after must map a word to the characters that cancel it")
        not_after = {}
    out["not_after"] = dict(not_after)
    return out


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Units:
    data, problems = load_yaml(Path(path))
    units = None
    if not problems:
        units, problems = parse_units(data, path)
    if problems:
        raise DataFileError(problems)
    return units


def load_units(path: str | Path | None = None) -> Units:
    """Load and validate a units file (default: the shipped rules/units.yaml)."""
    p = Path(path) if path else default_units_file()
    try:
        mtime = p.stat().st_mtime
    except OSError:
        raise DataFileError([Problem(str(p), 0, "no such units file")]) from None
    return _load_cached(str(p), mtime)
