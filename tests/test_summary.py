"""`gazette summary` and gazette_cli.summary: periods, sums with their qualifiers, ranges,
grouping, formats, and the plot."""
from __future__ import annotations

import importlib.util

import pytest

from gazette_cli.frames import to_frame
from gazette_cli.summary import as_records, summarize
from .store_helpers import gazette, jsonl

HAS_MPL = importlib.util.find_spec("matplotlib") is not None


def rec(value, date, *, metric="afforestation_area", unit="亩", qualifier=None, lo=None, hi=None, source=None,
        file="a.txt"):
    return {"file": file, "line": 1, "column": 1, "metric": metric, "value": value, "unit": unit,
            "qualifier": qualifier, "min": lo, "max": hi, "text": "", "context": "", "rule": "r",
            "issue_date": date, "source": source}


# date → its label per period (2025-02-14 is a Friday of ISO week 7; 2024-12-30 is in ISO week 1 of 2025)
@pytest.mark.parametrize("period, labels", [
    ("day", ["2024-12-30", "2025-02-14", "2025-02-16", "2025-04-01", "undated"]),
    ("week", ["2025-W01", "2025-W07", "2025-W14", "undated"]),
    ("month", ["2024-12", "2025-02", "2025-04", "undated"]),
    ("quarter", ["2024-Q4", "2025-Q1", "2025-Q2", "undated"]),
    ("year", ["2024", "2025", "undated"]),
])
def test_period_labels(period, labels):
    dates = ["2025-02-14", "2025-02-16", "2025-04-01", "2024-12-30", None]
    df = to_frame([rec(1, d) for d in dates])
    out = summarize(df, period=period)
    assert list(out["period"]) == labels
    assert out["count"].sum() == 5


def test_qualifiers_and_ranges_stay_in_view():
    records = [rec(100, "2025-02-01"), rec(200, "2025-02-02", qualifier="approx"),
               rec(300, "2025-02-03", qualifier="over", lo=300), rec(None, "2025-02-04", lo=10, hi=20),
               rec(50, "2025-02-05", qualifier="max", hi=50),
               rec(7, "2025-03-01"),
               rec(5000000, "2025-02-01", metric="loan_amount", unit="元", qualifier="min", lo=5000000)]
    out = as_records(summarize(to_frame(records), period="month"))
    expected = [
        {"metric": "afforestation_area", "period": "2025-02", "unit": "亩", "count": 5, "mark": "≈≥≤", "sum": 650,
         "min": 10, "max": 300, "approx": 1, "at_least": 1, "at_most": 1, "ranges": 1, "sum_low": 660, "sum_high": 670},
        {"metric": "afforestation_area", "period": "2025-03", "unit": "亩", "count": 1, "mark": "", "sum": 7,
         "min": 7, "max": 7, "approx": 0, "at_least": 0, "at_most": 0, "ranges": 0, "sum_low": None, "sum_high": None},
        {"metric": "loan_amount", "period": "2025-02", "unit": "元", "count": 1, "mark": "≥", "sum": 5000000,
         "min": 5000000, "max": 5000000, "approx": 0, "at_least": 1, "at_most": 0, "ranges": 0, "sum_low": None,
         "sum_high": None},
    ]
    assert out == expected


def test_only_ranges_have_no_sum_and_decimals_add_up():
    out = as_records(summarize(to_frame([rec(None, "2025-01-01", lo=1, hi=2), rec(98.1, "2025-01-01", metric="satisfaction_rate", unit="%"),
                                         rec(97.2, "2025-01-02", metric="satisfaction_rate", unit="%")]), period="year"))
    assert [(r["metric"], r["sum"], r["sum_low"], r["sum_high"], r["ranges"]) for r in out] == [
        ("afforestation_area", None, 1, 2, 1), ("satisfaction_rate", 195.3, None, None, 0)]


@pytest.mark.parametrize("by, keys", [
    ("source", [("A报", "2025"), ("B报", "2025")]),
    ("file", [("a.txt", "2025"), ("b.txt", "2025")]),
])
def test_by_source_or_file(by, keys):
    df = to_frame([rec(1, "2025-01-01", source="A报", file="a.txt"), rec(2, "2025-05-01", source="B报", file="b.txt"),
                   rec(3, "2025-06-01", source="A报", file="a.txt")])
    out = summarize(df, period="year", by=by)
    assert [(r[by], r["period"]) for _, r in out.iterrows()] == keys
    assert list(out["sum"]) == [4, 2]


def test_cli_summary_from_files_and_from_a_store_agree(tmp_path):
    issue = tmp_path / "2025-02-14_县报.txt"
    issue.write_text("本报讯 全县今年完成人工造林1.2万亩，约3000亩为补植补造。\n县农商行发放惠农贷款超过500万元。\n"
                     "全年栽植苗木120万至150万株。\n群众满意率达98.5%。\n", "utf-8")
    from_files = gazette("summary", issue, "-f", "jsonl")
    assert from_files.returncode == 0, from_files.stderr
    rows = jsonl(from_files.stdout)
    assert [(r["metric"], r["period"], r["unit"], r["count"], r["mark"], r["sum"]) for r in rows] == [
        ("afforestation_area", "2025-02", "亩", 2, "≈", 15000),
        ("loan_amount", "2025-02", "元", 1, "≥", 5000000),
        ("satisfaction_rate", "2025-02", "%", 1, "", 98.5),
        ("seedling_count", "2025-02", "株", 1, "", None)]
    assert (rows[3]["ranges"], rows[3]["sum_low"], rows[3]["sum_high"]) == (1, 1200000, 1500000)
    for db in ("a.sqlite",) + (("a.duckdb",) if importlib.util.find_spec("duckdb") else ()):
        assert gazette("extract", issue, "--db", tmp_path / db).returncode == 0
        for args in (["--db", tmp_path / db], [tmp_path / db]):
            r = gazette("summary", *args, "--by", "month", "-f", "jsonl")
            assert r.returncode == 0, r.stderr
            assert jsonl(r.stdout) == rows


@pytest.mark.parametrize("args, code, message", [
    (["--by", "county"], 2, "--by 'county'"),
    (["--period", "decade"], 2, "--period 'decade'"),
    (["--by", "source", "--by", "file"], 2, "choose one"),
    ([], 2, "give issue files or a store"),
    (["{tmp}/missing.duckdb"], 1, "no such store"),
    (["{tmp}/a.sqlite", "{tmp}/b.sqlite"], 2, "give one store"),
    (["{tmp}/x.txt", "--plot", "{tmp}/p.gif"], 2, "--plot writes .png, .svg or .pdf"),
])
def test_summary_usage_errors(tmp_path, args, code, message):
    (tmp_path / "x.txt").write_text("县农商行发放惠农贷款500万元。\n", "utf-8")
    r = gazette("summary", *[str(a).replace("{tmp}", str(tmp_path)) for a in args])
    assert r.returncode == code, r.stderr
    assert message in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_summary_formats_are_those_of_extract(tmp_path):
    (tmp_path / "2025-03-01.txt").write_text("县农商行发放惠农贷款500万元。\n", "utf-8")
    csv = gazette("summary", tmp_path / "2025-03-01.txt", "-f", "csv").stdout.splitlines()
    assert csv == ["metric,period,unit,count,mark,sum,min,max,approx,at_least,at_most,ranges,sum_low,sum_high",
                   "loan_amount,2025-03,元,1,,5000000,5000000,5000000,0,0,0,0,,"]
    out = tmp_path / "s.parquet"
    assert gazette("summary", tmp_path / "2025-03-01.txt", "-o", out).returncode == 0
    import pandas as pd
    assert pd.read_parquet(out)["sum"].tolist() == [5000000]


@pytest.mark.skipif(not HAS_MPL, reason="the 'plot' extra (matplotlib) is not installed")
@pytest.mark.parametrize("name", ["p.png", "p.svg"])
def test_plot_is_written_and_not_blank(tmp_path, name):
    from .store_helpers import make_archive
    make_archive(tmp_path / "issues", 12, small=True)
    (tmp_path / "issues" / "2024-06-01_rate.txt").write_text("群众满意率达98.5%。\n栽植苗木120万株。\n", "utf-8")
    r = gazette("summary", tmp_path / "issues", "--plot", tmp_path / name, "-q", "-o", tmp_path / "s.csv", "-j", "1")
    assert r.returncode == 0, r.stderr
    data = (tmp_path / name).read_bytes()
    assert len(data) > 10_000
    if name.endswith(".svg"):
        assert b"<svg" in data[:2000]
        return
    import matplotlib.image as mpimg
    img = mpimg.imread(tmp_path / name)
    h, w = img.shape[:2]
    assert w >= 500 and h >= 3 * 200        # three panels: afforestation, loans, seedlings + rates
    rgb = img[..., :3].reshape(-1, 3)
    ink = (rgb < 0.9).any(axis=1).mean()
    assert 0.01 < ink < 0.5                  # lines and labels, on a white page
    assert len({tuple(px) for px in (rgb[::97] * 255).astype(int)}) > 5


@pytest.mark.skipif(not HAS_MPL, reason="the 'plot' extra (matplotlib) is not installed")
def test_plot_chinese_labels_have_a_font(tmp_path):
    from gazette_cli.summary import cjk_font, plot, _covers
    from matplotlib import font_manager as fm

    name = cjk_font()
    if name is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    path = fm.findfont(fm.FontProperties(family=name))
    assert _covers(path, "亩株元合计日期")
    warnings: list[str] = []
    plot(summarize(to_frame([rec(1, "2025-01-01"), rec(3, "2025-02-01")]), period="month"),
         str(tmp_path / "p.png"), warn=warnings.append)
    assert warnings == []                    # no glyph missing, Latin or Chinese


@pytest.mark.parametrize("value, label", [(6e12, "6万亿"), (1.5e8, "1.5亿"), (3e7, "3000万"), (12345, "1.234万"),
                                          (850, "850"), (93.25, "93.25"), (0, "0"), (-2e4, "-2万")])
def test_plot_axis_numbers_in_wan_and_yi(value, label):
    from gazette_cli.summary import _wan_yi_label
    assert _wan_yi_label(value) == label


def test_the_terminal_table_shows_only_the_qualifier_columns_in_use(tmp_path):
    (tmp_path / "2025-03-01.txt").write_text("县农商行发放惠农贷款500万元。\n", "utf-8")
    out = gazette("summary", tmp_path / "2025-03-01.txt").stdout
    assert "5,000,000" in out and "loan_amount" in out
    assert "approx" not in out and "ranges" not in out and "sum_low" not in out


def test_the_last_resort_font_is_no_chinese_font(monkeypatch):
    """matplotlib 3.11 bundles Last Resort, whose placeholder boxes cover every character:
    it must not be taken for a font with Chinese glyphs."""
    from types import SimpleNamespace

    from matplotlib import font_manager as fm

    from gazette_cli import summary
    monkeypatch.setattr(fm.fontManager, "ttflist", [SimpleNamespace(name="Last Resort High-Efficiency", fname="x.ttf")])
    monkeypatch.setattr(summary, "_covers", lambda path, probe: True)
    assert summary.cjk_font() is None
    monkeypatch.setattr(fm.fontManager, "ttflist", [SimpleNamespace(name="Noto Sans CJK SC", fname="y.otf")])
    assert summary.cjk_font() == "Noto Sans CJK SC"
