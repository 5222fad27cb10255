"""The command line: formats, fields, exit codes (in-process with typer's runner)."""
import csv
import io
import json

import pytest
from typer.testing import CliRunner

from gazette_cli.cli import app

from .conftest import SAMPLE

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_extract_jsonl_has_every_field():
    r = invoke("extract", SAMPLE, "-f", "jsonl")
    assert r.exit_code == 0
    recs = [json.loads(l) for l in r.stdout.splitlines()]
    assert len(recs) == 10
    first = recs[0]
    assert {k: first[k] for k in ("line", "column", "metric", "value", "unit", "qualifier", "min", "max", "text", "rule")} == {
        "line": 319, "column": 19, "metric": "seedling_count", "value": 997000000, "unit": "株",
        "qualifier": None, "min": None, "max": None, "text": "9.97亿株", "rule": "seedling_count.near"}
    assert first["file"] == str(SAMPLE)
    assert "育苗总量达9.97亿株" in first["context"]


def test_extract_csv():
    r = invoke("extract", SAMPLE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(row["line"], row["value"], row["qualifier"]) for row in rows if row["metric"] == "afforestation_area"] == [
        ("329", "5000000", ""), ("330", "10000000", "over")]


def test_quantities_lists_every_quantity():
    r = invoke("quantities", SAMPLE, "-f", "json")
    recs = json.loads(r.stdout)
    assert len(recs) == 38
    assert {"text": "100 余人次", "value": 100, "unit": "人次", "qualifier": "over", "min": 100} == {
        k: v for k, v in next(x for x in recs if x["unit"] == "人次").items() if k in ("text", "value", "unit", "qualifier", "min")}


def test_table_is_the_default():
    r = invoke("extract", SAMPLE)
    assert r.exit_code == 0 and "seedling_count" in r.stdout and "997,000,000" in r.stdout


@pytest.mark.parametrize("expr,value,unit,qualifier", [
    ("9.97亿株", 997000000, "株", None),
    ("1216.72万元", 12167200, "元", None),
    ("百分之八十五", 85, "%", None),
    ("超1000万亩", 10000000, "亩", "over"),
])
def test_normalize(expr, value, unit, qualifier):
    r = invoke("normalize", expr, "--format", "json")
    assert r.exit_code == 0
    rec = json.loads(r.stdout)[0]
    assert (rec["value"], rec["unit"], rec["qualifier"]) == (value, unit, qualifier)


def test_normalize_without_a_number_is_an_error():
    r = invoke("normalize", "没有数字")
    assert r.exit_code == 1


def test_explain_shows_claimed_and_unclaimed_quantities():
    r = invoke("explain", SAMPLE, "-f", "jsonl")
    recs = [json.loads(l) for l in r.stdout.splitlines()]
    assert len(recs) == 38
    assert sum(1 for x in recs if x["rule"]) == 10
    assert next(x for x in recs if x["text"] == "15 万元")["rule"] is None


def test_explain_unclaimed_shows_what_the_rules_miss():
    r = invoke("explain", SAMPLE, "--unclaimed", "-f", "jsonl")
    recs = [json.loads(l) for l in r.stdout.splitlines()]
    assert len(recs) == 28 and all(x["rule"] is None for x in recs)


def test_pack_adds_the_extended_rules():
    r = invoke("extract", SAMPLE, "--pack", "extended", "-f", "jsonl")
    metrics = {json.loads(l)["metric"] for l in r.stdout.splitlines()}
    assert {"loan_amount", "interest_rate"} <= metrics
    r = invoke("extract", SAMPLE, "--pack", "nosuchpack")
    assert r.exit_code == 1


def test_rules_list():
    r = invoke("rules", "list", "-f", "jsonl")
    ids = {json.loads(l)["id"] for l in r.stdout.splitlines()}
    assert {"loan_amount.near", "seedling_count.near", "satisfaction_rate.near", "afforestation_area.near"} <= ids


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "markdown", "xlsx", "parquet"])
def test_every_format_writes_a_file(tmp_path, fmt):
    pytest.importorskip("pyarrow") if fmt == "parquet" else None
    pytest.importorskip("openpyxl") if fmt == "xlsx" else None
    out = tmp_path / f"m.{ 'md' if fmt == 'markdown' else fmt}"
    r = invoke("extract", SAMPLE, "-o", out)
    assert r.exit_code == 0, r.output
    if fmt in ("parquet", "xlsx"):
        import pandas as pd

        df = pd.read_parquet(out) if fmt == "parquet" else pd.read_excel(out)
        assert len(df) == 10 and int(df["value"].iloc[0]) == 997000000
    else:
        assert "997000000" in out.read_text(encoding="utf-8")
