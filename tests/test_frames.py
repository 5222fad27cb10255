"""gz.extract_frame and gz.read_store: the CLI's rows, typed."""
from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

import gazette_cli as gz
from gazette_cli.frames import to_frame
from .store_helpers import gazette, jsonl, make_archive

DTYPES = {"file": "string", "page": "Int64", "line": "Int64", "column": "Int64", "metric": "category",
          "value": "float64", "value_text": "string", "unit": "category", "qualifier": "category",
          "min": "float64", "max": "float64", "text": "string", "context": "string", "rule": "string",
          "written_value": "float64", "written_unit": "string", "issue_date": "datetime64[ns]", "source": "string"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frames") / "issues"
    make_archive(folder, 4)
    return folder


def test_extract_frame_has_the_cli_rows_typed(archive):
    df = gz.extract_frame(archive, jobs=1)
    cli = jsonl(gazette("extract", archive, "-f", "jsonl", "-j", "1").stdout)
    assert len(df) == len(cli) > 20
    assert {c: str(df[c].dtype) for c in DTYPES} == DTYPES
    key = ["file", "line", "column", "metric", "unit", "value_text"]
    got = [tuple(None if pd.isna(v) else str(v) for v in row) for row in df[key].itertuples(index=False)]
    want = [(r["file"], str(r["line"]), str(r["column"]), r["metric"], r["unit"],
             None if r["value"] is None else str(r["value"])) for r in cli]
    assert got == want
    assert df["issue_date"].min() == pd.Timestamp("2024-01-01")
    assert gz.extract_frame(archive, jobs=2).equals(df)


@pytest.mark.parametrize("value, as_float, text", [
    (12000, 12000.0, "12000"),
    (98.5, 98.5, "98.5"),
    (2 ** 60 + 1, float(2 ** 60), "1152921504606846977"),    # float64 rounds it; the text does not
    (10 ** 400, float("inf"), "1" + "0" * 400),
    (None, None, None),
])
def test_value_text_is_exact(value, as_float, text):
    df = to_frame([{"file": "a", "line": 1, "column": 1, "metric": "m", "value": value, "unit": "元"}])
    got = df["value"].iloc[0]
    assert (pd.isna(got) and as_float is None) or got == as_float
    assert (pd.isna(df["value_text"].iloc[0]) and text is None) or df["value_text"].iloc[0] == text


def test_an_empty_frame_has_the_columns_and_dtypes():
    df = to_frame([])
    assert {c: str(df[c].dtype) for c in DTYPES} == DTYPES and len(df) == 0


def test_a_bad_file_is_an_error_naming_it(tmp_path):
    with pytest.raises(gz.GazetteError, match="missing.txt: no such file"):
        gz.extract_frame([tmp_path / "missing.txt"])


@pytest.mark.parametrize("db", ["a.sqlite", pytest.param("a.duckdb", marks=pytest.mark.skipif(
    importlib.util.find_spec("duckdb") is None, reason="duckdb not installed"))])
def test_read_store_equals_extract_frame(archive, tmp_path, db):
    assert gazette("extract", archive, "--db", tmp_path / db, "-j", "1").returncode == 0
    stored = gz.read_store(tmp_path / db)
    assert {c: str(stored[c].dtype) for c in DTYPES} == DTYPES
    assert list(stored.columns) == list(DTYPES) + ["issue"]
    plain = gz.extract_frame(archive, jobs=1)
    order = ["file", "line", "column"]
    a = stored.drop(columns=["issue"]).sort_values(order).reset_index(drop=True)
    b = plain.sort_values(order).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_categorical=False)


def test_extra_record_fields_come_back_from_the_store(tmp_path):
    from gazette_cli.store import Store
    with Store(tmp_path / "a.sqlite", write=True) as s:
        s.put({"hash": "h", "path": "/x"}, [{"file": "x", "line": 1, "column": 2, "metric": "m", "value": 1,
                                              "unit": "元", "county": "伊金霍洛旗"}])
    df = gz.read_store(tmp_path / "a.sqlite")
    assert df["county"].tolist() == ["伊金霍洛旗"] and df["value_text"].tolist() == ["1"]
