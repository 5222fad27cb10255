"""Conformance: the Chinese specs of Microsoft Recognizers-Text (tests/peer/, MIT licence).

Every case goes through the same scanner as ``gazette quantities --no-reflow --all-numbers``
(one input per line of one text, as /work/shared/tools/peer.py feeds the command line) and
is compared the way peer.py compares: per input, the multiset of expected values against
the multiset of values of the same kind that gazette reports —

  Number       every record's value (a closed range counts as its two ends)
  Percent      records whose unit is a percent, value in percent
  Currency     records with a currency unit, as (ISO code, value)
  Dimension    records with a physical unit, as (dimension, value in SI)
  NumberRange  records with a min or max, as (min, max), an open end None

Cases gazette does not pass are listed, each with a one-line reason, in
tests/peer/exclusions.yaml. Every other case must pass and every listed case must still
fail (so the list stays true). Each spec file must pass at least 95 % of its cases, not
counting those whose expectation gazette disagrees with by design (kind `disagree`: the
spec contradicts another spec file, or gazette's documented reading — above all
percentage points, which gazette keeps as their own unit 个百分点 while peer.py counts
only % units). The raw rate, over all cases, is what peer.py prints.

Run ``python -m tests.test_peer`` to print the failures of each file.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from gazette_cli import quantities_text

PEER = Path(__file__).resolve().parent / "peer"
SPECS = sorted(PEER.glob("*.json"))
EXCLUSIONS = PEER / "exclusions.yaml"
MIN_RATE = 0.95

# (dimension, factor to SI) of the unit names of the specs and those gazette may report
DIM = {
    "Mu": ("area", 10000 / 15), "亩": ("area", 10000 / 15), "mu": ("area", 10000 / 15), "市亩": ("area", 10000 / 15),
    "公顷": ("area", 1e4), "ha": ("area", 1e4), "Hectare": ("area", 1e4),
    "平方公里": ("area", 1e6), "平方千米": ("area", 1e6), "km2": ("area", 1e6), "SquareKilometer": ("area", 1e6),
    "平方米": ("area", 1.0), "m2": ("area", 1.0), "SquareMeter": ("area", 1.0),
    "Kilogram": ("mass", 1.0), "千克": ("mass", 1.0), "公斤": ("mass", 1.0), "kg": ("mass", 1.0),
    "Gram": ("mass", 1e-3), "克": ("mass", 1e-3), "g": ("mass", 1e-3),
    "Microgram": ("mass", 1e-9), "微克": ("mass", 1e-9), "Milligram": ("mass", 1e-6), "毫克": ("mass", 1e-6),
    "Ton": ("mass", 1e3), "吨": ("mass", 1e3), "t": ("mass", 1e3),
    "Jin": ("mass", 0.5), "斤": ("mass", 0.5), "Liang": ("mass", 0.05), "两": ("mass", 0.05),
    "Centimeter": ("length", 0.01), "厘米": ("length", 0.01), "公分": ("length", 0.01), "cm": ("length", 0.01),
    "Millimeter": ("length", 0.001), "毫米": ("length", 0.001), "mm": ("length", 0.001),
    "Meter": ("length", 1.0), "米": ("length", 1.0), "m": ("length", 1.0),
    "Kilometer": ("length", 1e3), "公里": ("length", 1e3), "千米": ("length", 1e3), "km": ("length", 1e3),
    "Bit": ("info", 1.0), "比特": ("info", 1.0), "Kilobit": ("info", 1e3), "千比特": ("info", 1e3),
    "Byte": ("info", 8.0), "字节": ("info", 8.0), "Kilobyte": ("info", 8e3), "千字节": ("info", 8e3),
    "Megabyte": ("info", 8e6), "兆字节": ("info", 8e6),
    "Hertz": ("freq", 1.0), "赫兹": ("freq", 1.0), "Megahertz": ("freq", 1e6), "兆赫兹": ("freq", 1e6),
    "Watt": ("power", 1.0), "瓦": ("power", 1.0), "Kilowatt": ("power", 1e3), "千瓦": ("power", 1e3),
    "Kilocalorie": ("energy", 4184.0), "千卡": ("energy", 4184.0), "大卡": ("energy", 4184.0),
}
CURRENCY = {
    "元": "CNY", "人民币": "CNY", "CNY": "CNY", "块": "CNY", "块钱": "CNY", "角": "CNY", "分": "CNY",
    "美元": "USD", "美金": "USD", "USD": "USD", "欧元": "EUR", "EUR": "EUR", "日元": "JPY", "JPY": "JPY",
    "港元": "HKD", "港币": "HKD", "HKD": "HKD", "英镑": "GBP", "GBP": "GBP", "台币": "TWD", "新台币": "TWD",
    "TWD": "TWD", "瑞士法郎": "CHF", "CHF": "CHF", "奈拉": "NGN", "NGN": "NGN", "卢布": "RUB", "RUB": "RUB",
    "比特币": "BTC", "BTC": "BTC", "$": "USD", "美刀": "USD", "韩元": "KRW", "KRW": "KRW", "澳元": "AUD",
    "AUD": "AUD", "加元": "CAD", "CAD": "CAD",
}
PERCENT = {"%", "％", "percent", "百分比"}


def _num(x):
    if x is None:
        return None
    try:
        return float(str(x).replace(",", ""))
    except ValueError:
        return None


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def multiset_equal(xs, ys) -> bool:
    xs, ys = list(xs), list(ys)
    if len(xs) != len(ys):
        return False
    used = [False] * len(ys)
    for x in xs:
        for i, y in enumerate(ys):
            if not used[i] and all(_same(a, b) if isinstance(a, (float, type(None))) else (a == b or a == "*")
                                   for a, b in zip(x, y)):
                used[i] = True
                break
        else:
            return False
    return True


def kind_of(spec: str) -> str:
    for k in ("NumberRange", "Percent", "Currency", "Dimension", "Number"):
        if k in spec:
            return k
    raise ValueError(spec)


def expected(kind: str, case: dict) -> list[tuple]:
    out = []
    for r in case["Results"]:
        v = (r.get("Resolution") or {}).get("value")
        if kind == "Number":
            out.append((_num(v),))
        elif kind == "Percent":
            out.append((_num(str(v).rstrip("%")),))
        elif kind == "Currency":
            out.append(((r.get("Resolution") or {}).get("isoCurrency") or "*", _num(v)))
        elif kind == "Dimension":
            d, f = DIM.get((r.get("Resolution") or {}).get("unit"), ((r.get("Resolution") or {}).get("unit"), 1.0))
            out.append((d, _num(v) * f if _num(v) is not None else None))
        elif kind == "NumberRange":
            lo, hi = str(v)[1:-1].split(",")
            out.append((_num(lo) if lo else None, _num(hi) if hi else None))
    return out


def predicted(kind: str, recs: list[dict]) -> list[tuple]:
    out = []
    for p in recs:
        unit = str(p.unit).strip() if p.unit is not None else None
        v = _num(p.value)
        if kind == "Number":
            if p.min is not None and p.max is not None and v is None:
                out += [(_num(p.min),), (_num(p.max),)]
            else:
                out.append((v,))
        elif kind == "Percent" and unit in PERCENT:
            out.append((v,))
        elif kind == "Currency" and unit in CURRENCY:
            out.append((CURRENCY[unit], v))
        elif kind == "Dimension" and unit in DIM:
            d, f = DIM[unit]
            out.append((d, v * f if v is not None else None))
        elif kind == "NumberRange" and (p.min is not None or p.max is not None):
            out.append((_num(p.min), _num(p.max)))
    return out


def run_spec(spec: Path) -> list[tuple[str, bool, list, list]]:
    """(input, passed, expected, predicted) of every case of one spec file."""
    cases = json.loads(spec.read_text(encoding="utf-8"))
    kind = kind_of(spec.name)
    text = "\n".join(c["Input"].replace("\n", " ") for c in cases) + "\n"
    by_line: dict[int, list[dict]] = defaultdict(list)
    for r in quantities_text(text, all_numbers=True, reflow=False):
        by_line[r.line].append(r)
    out = []
    for i, c in enumerate(cases, 1):
        e, g = expected(kind, c), predicted(kind, by_line.get(i, []))
        out.append((c["Input"], multiset_equal(e, g), e, g))
    return out


def load_exclusions() -> dict[str, dict[str, dict]]:
    """{spec file: {input: {kind, reason}}}."""
    data = yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8")) if EXCLUSIONS.exists() else None
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for entry in (data or {}).get("exclusions") or []:
        out[entry["spec"]][entry["input"]] = entry
    return out


def rates(results, excl) -> tuple[float, float]:
    """(raw pass rate, pass rate without the cases gazette disagrees with)."""
    ok = sum(r[1] for r in results)
    disagree = sum(1 for r in results if excl.get(r[0], {}).get("kind") == "disagree")
    return ok / len(results), ok / (len(results) - disagree)


def test_licence_travels_with_the_specs():
    assert "MIT" in (PEER / "LICENSE").read_text(encoding="utf-8")
    assert len(SPECS) == 5


def test_every_exclusion_names_a_case_and_gives_a_reason():
    excl = load_exclusions()
    names = {s.name for s in SPECS}
    for spec, cases in excl.items():
        assert spec in names, spec
        inputs = {c["Input"] for c in json.loads((PEER / spec).read_text(encoding="utf-8"))}
        for inp, entry in cases.items():
            assert inp in inputs, (spec, inp)
            assert entry.get("kind") in ("disagree", "unsupported"), (spec, inp)
            reason = entry.get("reason") or ""
            assert reason.strip() and "\n" not in reason.strip(), (spec, inp)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_peer_spec(spec):
    excl = load_exclusions().get(spec.name, {})
    results = run_spec(spec)
    failing = [(i, e, g) for i, ok, e, g in results if not ok and i not in excl]
    stale = sorted({i for i, ok, _, _ in results if ok and i in excl})
    _, rate = rates(results, excl)
    assert not failing, f"{len(failing)} cases fail that are not excluded: {failing[:10]}"
    assert not stale, f"excluded cases that now pass (remove them from exclusions.yaml): {stale}"
    assert rate >= MIN_RATE, f"{spec.name}: pass rate {rate:.3f} < {MIN_RATE}"


if __name__ == "__main__":
    import sys

    show = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    excl = load_exclusions()
    for spec in SPECS:
        results = run_spec(spec)
        ok = sum(r[1] for r in results)
        raw, rate = rates(results, excl.get(spec.name, {}))
        shown = 0
        for inp, passed, e, g in results:
            if not passed and inp not in excl.get(spec.name, {}) and shown < show:
                shown += 1
                print(f"  FAIL {inp[:50]!r} expected {e} got {g}")
        print(f"{spec.name:40s} {ok}/{len(results)} = {raw:.3f} raw, {rate:.3f} without disagreements"
              f"  ({sum(1 for r in results if not r[1] and r[0] not in excl.get(spec.name, {}))} unexcused)")
