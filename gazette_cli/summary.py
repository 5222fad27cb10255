"""Summaries over time: records → metric × period (× source or file) with count, sum, min
and max in the metric's unit, and a plot of each metric over time.

Qualifiers stay in view. A figure written "about" (约, 左右) is in the sum, and the row
counts it under `approx`; one written "over" or "at least" (超过, 以上, 至少) under
`at_least`; "under" or "at most" (不足, 不超过) under `at_most`. `mark` sums that up in
front of the total: ≈ (approximate figures in it), ≥ (a lower bound: the true total is
more), ≤ (an upper bound). A range (100至200万元) has no single value: it is not in `sum`,
it is counted under `ranges`, and `sum_low`/`sum_high` add the ranges' ends to the sum.
`min` and `max` take the ranges' ends into account. Records without an issue date are
summed in the period `undated`.
"""
from __future__ import annotations

import math

PERIODS = ("day", "week", "month", "quarter", "year")
GROUPS = ("source", "file")
_FREQ = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
UNDATED = "undated"
COLUMNS = ["metric", "period", "unit", "count", "mark", "sum", "min", "max", "approx", "at_least", "at_most",
           "ranges", "sum_low", "sum_high"]


def _labels(dates, period: str):
    """(label, start) of each date's period; ISO weeks (2025-W07), quarters as 2025-Q1."""
    import pandas as pd

    p = dates.dt.to_period(_FREQ[period])
    start = p.dt.start_time
    if period == "day":
        label = start.dt.strftime("%Y-%m-%d")
    elif period == "week":
        iso = start.dt.isocalendar()
        label = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    elif period == "month":
        label = start.dt.strftime("%Y-%m")
    elif period == "quarter":
        label = start.dt.strftime("%Y") + "-Q" + start.dt.quarter.astype("Int64").astype("string")
    else:
        label = start.dt.strftime("%Y")
    label = label.astype("string").fillna(UNDATED)
    return label, start.astype("datetime64[ns]") if len(start) else pd.Series([], dtype="datetime64[ns]")


def summarize(df, *, period: str = "month", by: str | None = None):
    """The summary table of a frame of records (frames.to_frame / read_store), one row per
    metric, [source or file,] unit and period, in time order (undated last)."""
    import pandas as pd

    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r} (choose from {', '.join(PERIODS)})")
    if by is not None and by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r} (choose from {', '.join(GROUPS)})")
    d = pd.DataFrame({
        "metric": df["metric"].astype("string").fillna(""),
        "unit": df["unit"].astype("string").fillna(""),
        "value": df["value"].astype("float64"),
        "lo": df["min"].astype("float64"),
        "hi": df["max"].astype("float64"),
    })
    q = df["qualifier"].astype("string")
    # each distinct date labelled once (strftime on a million rows takes seconds)
    codes, dates = pd.factorize(pd.to_datetime(df["issue_date"]), use_na_sentinel=True)
    label, start = _labels(pd.Series(dates, dtype="datetime64[ns]").reset_index(drop=True), period)
    label = pd.concat([label, pd.Series([UNDATED], dtype="string")], ignore_index=True)
    start = pd.concat([start, pd.Series([pd.NaT], dtype="datetime64[ns]")], ignore_index=True)
    d["period"] = label.to_numpy()[codes].astype(object)
    d["start"] = start.to_numpy()[codes]
    point = d["value"].notna()
    d["approx"] = (q == "approx").fillna(False).astype(int)
    d["at_least"] = (q.isin(["over", "min"]).fillna(False) & point).astype(int)
    d["at_most"] = (q.isin(["under", "max"]).fillna(False) & point).astype(int)
    d["ranges"] = (~point & (d["lo"].notna() | d["hi"].notna())).astype(int)
    d["rlo"] = d["lo"].where(d["ranges"] == 1)
    d["rhi"] = d["hi"].where(d["ranges"] == 1)
    d["low"] = d[["value", "lo"]].min(axis=1)
    d["high"] = d[["value", "hi"]].max(axis=1)
    keys = ["metric"] + ([by] if by else []) + ["unit", "period"]
    if by:
        d[by] = df[by].astype("string").fillna("")
    g = d.groupby(keys, sort=False, dropna=False)
    out = g.agg(count=("metric", "size"), sum=("value", "sum"), min=("low", "min"), max=("high", "max"),
                approx=("approx", "sum"), at_least=("at_least", "sum"), at_most=("at_most", "sum"),
                ranges=("ranges", "sum"), rlo=("rlo", "sum"), rhi=("rhi", "sum"), start=("start", "min"),
                points=("value", "count")).reset_index()
    out.loc[out["points"] == 0, "sum"] = float("nan")
    has_ranges = out["ranges"] > 0
    out["sum_low"] = (out["sum"].fillna(0) + out["rlo"]).where(has_ranges)
    out["sum_high"] = (out["sum"].fillna(0) + out["rhi"]).where(has_ranges)
    out["mark"] = ((out["approx"] > 0).map({True: "≈", False: ""}) + (out["at_least"] > 0).map({True: "≥", False: ""})
                   + (out["at_most"] > 0).map({True: "≤", False: ""}))
    out["_undated"] = out["start"].isna()
    out = out.sort_values(["metric"] + ([by] if by else []) + ["unit", "_undated", "start"], kind="stable")
    cols = COLUMNS[:1] + ([by] if by else []) + COLUMNS[1:]
    return out.reset_index(drop=True)[cols + ["start"]]


def as_records(summary) -> list[dict]:
    """The summary's rows as dicts for the exporters: no NaN (None instead), whole floats
    as int (a sum of yuan prints as 12000000000, not 1.2e10)."""
    import pandas as pd
    out = []
    for row in summary.drop(columns=["start"]).to_dict("records"):
        rec = {}
        for k, v in row.items():
            if pd.isna(v):   # None, NaN, NaT, pd.NA
                v = None
            elif hasattr(v, "item"):
                v = v.item()
            if isinstance(v, float) and math.isfinite(v):
                v = float(f"{v:.15g}")  # a sum of decimals: 686.32, not 686.3199999999999
                if v.is_integer() and abs(v) < 2 ** 53:
                    v = int(v)
            rec[k] = v
        out.append(rec)
    return out


# -- plots -------------------------------------------------------------------------------
_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
                 "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Sarasa Gothic SC", "Microsoft YaHei", "SimHei",
                 "PingFang SC", "Hiragino Sans GB", "Heiti SC", "AR PL UMing CN", "AR PL UKai CN",
                 "Droid Sans Fallback", "Noto Sans CJK JP", "Noto Sans CJK TC")
_PROBE = "亩株元贷款造林"


def _covers(path: str, text: str) -> bool:
    try:
        from matplotlib.ft2font import FT2Font
        cmap = FT2Font(path).get_charmap()
    except Exception:
        return False
    return all(ord(ch) in cmap for ch in text)


def cjk_font() -> str | None:
    """The family name of an installed font that has Chinese glyphs, or None. Known
    families first, then any font matplotlib knows whose character map covers a probe.
    The plot puts it after DejaVu Sans: matplotlib falls back glyph by glyph, so Latin
    text comes from the one and Chinese from the other."""
    from matplotlib import font_manager as fm

    fonts = fm.fontManager.ttflist
    by_name = {}
    for f in fonts:
        by_name.setdefault(f.name, f)
    for name in _CJK_FAMILIES:
        f = by_name.get(name)
        if f is not None and _covers(f.fname, _PROBE):
            return f.name
    for f in fonts:
        # Last Resort (bundled with matplotlib ≥ 3.11) maps every character to a placeholder box
        if not f.name.startswith("Last Resort") and _covers(f.fname, _PROBE):
            return f.name
    return None


def _metric_titles() -> dict[str, str]:
    """metric → a short Chinese description (the first phrase of the rules' description)."""
    try:
        from .rules import load_rules
        metrics = load_rules().metrics
    except Exception:
        return {}
    out = {}
    for name, m in metrics.items():
        desc = (getattr(m, "description", "") or "").strip()
        for sep in ("：", "；", "。", "，", "（"):
            desc = desc.split(sep)[0]
        out[name] = desc[:24]
    return out


def plot(summary, path: str, *, warn=None) -> None:
    """Draw each metric's sum over time (one panel per metric, one line per source or file
    when the summary has them; the unit on the axis) into `path` (.png, .svg, .pdf).
    Written whole or not at all."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from .output import write_bytes

    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if ext not in ("png", "svg", "pdf"):
        raise ValueError(f"{path}: a plot is written as .png, .svg or .pdf")
    font = cjk_font()
    if font is None and warn:
        warn("no font with Chinese characters found (install fonts-noto-cjk): Chinese labels may show as boxes")
    families = ["DejaVu Sans"] + ([font] if font else [])
    with matplotlib.rc_context({"font.family": families, "svg.fonttype": "path"}), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = _draw(plt, summary, ext)
    missing = sorted({str(w.message).split("(")[1].split(")")[0] for w in caught
                      if "missing from font" in str(w.message) and "(" in str(w.message)})
    if missing and warn and font is not None:
        warn(f"the fonts found have no glyph for {', '.join(missing[:10])}")
    write_bytes(path, data)


def _wan_yi_label(v, _pos=None) -> str:
    """An axis number as Chinese prose writes it: 6万亿, 1.5亿, 3000万, 850."""
    for size, word in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(v) >= size:
            return f"{v / size:.4g}{word}"
    return f"{v:.4g}"


def _draw(plt, summary, ext: str) -> bytes:
    from matplotlib.ticker import FuncFormatter

    import io

    dated = summary[summary["start"].notna()]
    metrics = list(dict.fromkeys(dated["metric"])) or ["(no dated records)"]
    group = next((c for c in ("source", "file") if c in summary.columns), None)
    titles = _metric_titles()
    fig, axes = plt.subplots(len(metrics), 1, figsize=(8, 2.8 * len(metrics)), squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics):
        rows = dated[dated["metric"] == metric]
        units = list(dict.fromkeys(rows["unit"]))
        keys = [group, "unit"] if group else ["unit"]
        for key, part in rows.groupby(keys, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            part = part.sort_values("start")
            y = part["sum"].fillna(part["sum_low"])
            if key[-1] == "%":  # a sum of rates means nothing: their mean
                y = y / (part["count"] - part["ranges"]).where(lambda n: n > 0)
            label = " ".join(str(x) for x in (key[:-1] + ((key[-1],) if len(units) > 1 else ())) if x)
            ax.plot(part["start"], y, marker="o", label=label or None)
            for x, yy, mark in zip(part["start"], y, part["mark"]):
                if mark and yy == yy:
                    ax.annotate(mark, (x, yy), textcoords="offset points", xytext=(0, 5), ha="center")
        ax.set_title(metric + (f"（{titles[metric]}）" if titles.get(metric) else ""))
        what = "平均" if units == ["%"] else "合计"
        ax.set_ylabel(f"{what}（{'、'.join(units)}）" if units else "")
        ax.tick_params(axis="x", labelrotation=30)
        ax.yaxis.set_major_formatter(FuncFormatter(_wan_yi_label))
        if any(ax.get_legend_handles_labels()[1]):
            ax.legend(fontsize="small")
        ax.grid(True, alpha=0.3)
    axes[-1, 0].set_xlabel("日期（期初）")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=ext, bbox_inches="tight", dpi=100)
    plt.close(fig)
    return buf.getvalue()
