"""The store's figures (issue 9): write rate of DuckDB and SQLite, a rerun over an unchanged
archive against the time to hash it, and `summary` over a million records.

    .venv/bin/python benchmarks/store_bench.py              # 1,000 files, 1M records (~2 min)
    .venv/bin/python benchmarks/store_bench.py --files 200 --records 100000   # quicker

The archive: copies of the test corpus texts, each made unique by one line of its own
(tests/store_helpers.make_archive). Times are wall clock, one pass, warm file cache.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gazette_cli import batch  # noqa: E402
from gazette_cli.rules import load_rules  # noqa: E402
from gazette_cli.store import Store, extract_to_store, file_digest  # noqa: E402
from tests.store_helpers import make_archive  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    engines = ["sqlite"]
    try:
        import duckdb  # noqa: F401
        engines.insert(0, "duckdb")
    except ImportError:
        print("duckdb not installed: SQLite only")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = make_archive(tmp / "issues", args.files)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"archive: {len(files)} files, {mb:.1f} MB")
        task = batch.Task()
        ruleset = load_rules()

        # the records, once, to time the writes alone
        batch.prepare(task, ruleset=ruleset)
        results, t_extract = timed(lambda: list(batch.run(batch.expand([tmp / "issues"]), task, args.jobs)))
        nrec = sum(len(r.records) for r in results)
        print(f"extract (no store), {args.jobs} jobs: {t_extract:.1f} s, {nrec} records")
        _, t_hash = timed(lambda: [file_digest(str(f)) for f in files])
        print(f"hash every file: {t_hash:.2f} s")

        for engine in engines:
            db = tmp / f"w.{ 'duckdb' if engine == 'duckdb' else 'sqlite'}"

            def write():
                with Store(db, write=True) as s:
                    for r in results:
                        s.put({"hash": file_digest(r.path), "path": os.path.abspath(r.path), "records": len(r.records)}, r.records)
            _, t_write = timed(write)
            print(f"{engine}: write {nrec} records in {len(results)} transactions: {t_write:.2f} s "
                  f"= {nrec / t_write:,.0f} records/s, {len(results) / t_write:,.0f} issues/s")

            store = tmp / f"a.{ 'duckdb' if engine == 'duckdb' else 'sqlite'}"
            rep1, t1 = timed(lambda: extract_to_store([tmp / "issues"], store, task=task, ruleset=ruleset, jobs=args.jobs))
            rep2, t2 = timed(lambda: extract_to_store([tmp / "issues"], store, task=task, ruleset=ruleset, jobs=args.jobs))
            assert rep2.added == 0 and rep2.unchanged == len(files), rep2
            print(f"{engine}: first run {t1:.1f} s ({rep1.added} records); rerun, unchanged: {t2:.2f} s "
                  f"= {100 * t2 / t1:.1f} % of the first, {t2 / t_hash:.1f}x the time to hash the files")

        import numpy as np
        import pandas as pd
        from gazette_cli.summary import summarize
        n = args.records
        rng = np.random.default_rng(9)
        metrics = np.array(["loan_amount", "afforestation_area", "seedling_count", "satisfaction_rate"])
        units = np.array(["元", "亩", "株", "%"])
        k = rng.integers(0, 4, n)
        value = rng.lognormal(10, 2, n)
        ranged = rng.random(n) < 0.02
        df = pd.DataFrame({
            "metric": pd.Categorical(metrics[k]), "unit": pd.Categorical(units[k]),
            "value": np.where(ranged, np.nan, value),
            "min": np.where(ranged, value, np.nan), "max": np.where(ranged, value * 1.5, np.nan),
            "qualifier": pd.Categorical(rng.choice(np.array([None, None, None, "approx", "over", "under"], dtype=object), n)),
            "issue_date": pd.to_datetime("2019-01-01") + pd.to_timedelta(rng.integers(0, 7 * 365, n), unit="D"),
            "source": pd.Categorical(rng.choice(np.array(["A报", "B报", "C报"]), n)).astype("string"),
            "file": pd.Series([f"f{i % 5000}" for i in range(n)], dtype="string"),
        })
        for period, by in (("month", None), ("day", None), ("month", "source")):
            out, t = timed(lambda: summarize(df, period=period, by=by))
            print(f"summary of {n:,} records per {period}{' and ' + by if by else ''}: {t:.2f} s, {len(out)} rows")


if __name__ == "__main__":
    main()
