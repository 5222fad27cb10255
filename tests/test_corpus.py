"""The development corpus (tests/corpus/tuned): metric records against the gold, matched as
the project's scorer matches them (line within one, the same unit after folding 公顷/平方公里
into 亩 and 棵 into 株, the value to 1e-6, the same metric; one to one, exact lines first)."""
import json
from pathlib import Path

import pytest

from gazette_cli import extract_text, load_rules

TUNED = Path(__file__).parent / "corpus" / "tuned"
TO_MU = {"亩": 1, "公顷": 15, "平方公里": 1500, "平方米": 0.0015}


def _base(value, unit):
    if value is None:
        return unit, None
    if unit in TO_MU:
        return "亩", float(value) * TO_MU[unit]
    return ("株" if unit == "棵" else unit), float(value)


def _ends(records):
    """A range record stands for its two ends, as gold writes 3-5株."""
    for r in records:
        if r["value"] is None and r.get("min") is not None and r.get("max") is not None:
            yield {**r, "value": r["min"]}
            yield {**r, "value": r["max"]}
        else:
            yield r


def _score(rules):
    tp = fp = fn = 0
    per_metric = {}
    for gold_path in sorted(TUNED.glob("*.jsonl")):
        gold = [g for g in map(json.loads, gold_path.read_text(encoding="utf-8").splitlines()) if g.get("metric")]
        text = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
        preds = list(_ends(r.as_dict() for r in extract_text(text, ruleset=rules)))
        used, found = set(), set()
        for tolerance in (0, 1):
            for gi, g in enumerate(gold):
                if gi in found:
                    continue
                gu, gv = _base(g["value"], g["unit"])
                for i, p in enumerate(preds):
                    pu, pv = _base(p["value"], p["unit"])
                    if i in used or abs(p["line"] - g["line"]) != tolerance or pu != gu or pv is None \
                            or abs(pv - gv) > 1e-6 * max(1.0, abs(gv)) or p["metric"] != g["metric"]:
                        continue
                    found.add(gi)
                    used.add(i)
                    break
        for gi, g in enumerate(gold):
            m = per_metric.setdefault(g["metric"], [0, 0, 0])
            m[0 if gi in found else 2] += 1
        for i, p in enumerate(preds):
            if i not in used:
                per_metric.setdefault(p["metric"], [0, 0, 0])[1] += 1
    tp, fp, fn = (sum(m[k] for m in per_metric.values()) for k in range(3))
    return tp, fp, fn, per_metric


def test_the_corpus_is_there():
    assert len(list(TUNED.glob("*.txt"))) == 292
    assert all(p.with_suffix(".jsonl").exists() for p in TUNED.glob("*.txt"))


@pytest.fixture(scope="module")
def scores():
    return _score(load_rules())


def test_tuned_part_f1(scores):
    tp, fp, fn, per_metric = scores
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert (tp + fn) >= 900                    # the gold holds this many metric figures
    assert precision >= 0.995 and f1 >= 0.99, (precision, recall, f1, per_metric)


def test_every_metric_holds(scores):
    for metric, (tp, fp, fn) in scores[3].items():
        f1 = 2 * tp / (2 * tp + fp + fn)
        assert f1 >= 0.98, (metric, tp, fp, fn)
