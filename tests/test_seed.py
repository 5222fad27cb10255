"""The seed issue against its gold annotations (tests/000_325790cf70597617.jsonl)."""
from collections import Counter

import pytest

from gazette_cli import extract, quantities

from .conftest import SAMPLE


def _key(r):
    return (r.line, r.value, r.unit)


def test_extract_gives_exactly_the_gold_metric_records(gold):
    got = extract(SAMPLE).records
    want = [g for g in gold if g["metric"]]
    assert sorted((r.metric, r.value, r.unit, r.line, r.qualifier) for r in got) == \
        sorted((g["metric"], g["value"], g["unit"], g["line"], g["qualifier"]) for g in want)


def test_quantities_match_gold_with_qualifiers(gold):
    got = Counter((r.line, r.value, r.unit, r.qualifier) for r in quantities(SAMPLE).records)
    want = Counter((g["line"], g["value"], g["unit"], g["qualifier"]) for g in gold)
    missing = want - got
    extra = got - want
    assert len(missing) <= 2, f"missing {missing}"
    assert len(extra) <= 2, f"extra {extra}"


def test_records_point_into_the_original_file():
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for r in quantities(SAMPLE).records:
        src = lines[r.line - 1]
        digits = r.text.lstrip("约近超最高 ")
        # the number starts exactly at (line, column) in the file as it is on disk
        assert src[r.column - 1] == digits[0], (r, src)


def test_gb18030_copy_gives_the_same_records(tmp_path):
    copy = tmp_path / "issue.txt"
    copy.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    a = [{k: v for k, v in r.as_dict().items() if k != "file"} for r in extract(SAMPLE).records]
    res = extract(copy)
    assert res.encoding == "gb18030"
    assert [{k: v for k, v in r.as_dict().items() if k != "file"} for r in res.records] == a


def test_windows_line_endings_give_the_same_records(tmp_path):
    copy = tmp_path / "issue.txt"
    copy.write_bytes(SAMPLE.read_bytes().replace(b"\n", b"\r\n"))
    strip = lambda recs: [{k: v for k, v in r.as_dict().items() if k != "file"} for r in recs]
    assert strip(extract(copy).records) == strip(extract(SAMPLE).records)
    assert strip(quantities(copy).records) == strip(quantities(SAMPLE).records)


@pytest.mark.parametrize("line,text,context_part", [
    (319, "9.97亿株", "育苗总量达9.97亿株"),
    (469, "100%", "整体满意率为100%"),
    (393, "500 万元", "办理了 500 万元的“人才贷”"),
])
def test_reflow_joins_wrapped_quantities(line, text, context_part):
    recs = {r.text: r for r in extract(SAMPLE).records}
    r = recs[text]
    assert r.line == line
    assert context_part in r.context
