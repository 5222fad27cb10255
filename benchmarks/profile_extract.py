#!/usr/bin/env python3
"""Profile `extract` with cProfile over the benchmark corpora (see PROFILE.md).

    .venv/bin/python benchmarks/profile_extract.py                 # 20 MB samples corpus
    .venv/bin/python benchmarks/profile_extract.py --which real    # government work reports
    .venv/bin/python benchmarks/profile_extract.py --sort tottime --top 40

Rules, units and the scan pattern are loaded (and one warm-up pass run) before profiling,
so the profile shows the per-byte cost, not one-time set-up. --out FILE keeps the raw
stats for `python -m pstats` or snakeviz.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--which", choices=["samples", "single", "real"], default="samples")
    ap.add_argument("--size-mb", type=float, default=20.0)
    ap.add_argument("--corpus", default=str(bench.DEFAULT_CORPUS))
    ap.add_argument("--extra-rules", type=int, default=0, help="add N synthetic rules (corpus keywords)")
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gazette-prof-") as tmp:
        tmp = Path(tmp)
        samples = sorted(bench.DEFAULT_SAMPLES.glob("*.txt"))
        if args.which == "real":
            corpus = bench.build_jsonl_corpus(Path(args.corpus), tmp)
            if corpus is None:
                raise SystemExit(f"no corpus at {args.corpus}")
        else:
            issues, single = bench.build_sample_corpus(samples, tmp, int(args.size_mb * bench.MB))
            corpus = single if args.which == "single" else issues
        ruleset = bench.load_rules()
        if args.extra_rules:
            texts = [bench.read_issue(p).text for p in samples]
            ruleset = bench.load_rules([bench.write_extra_rules(tmp / "rules", args.extra_rules,
                                                                bench.corpus_bigrams(texts))])
        bench.scanner_for(ruleset.units)
        bench.run_extract(corpus.files, ruleset)            # warm-up: caches as in a long batch
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        n, _ = bench.run_extract(corpus.files, ruleset)
        prof.disable()
        dt = time.perf_counter() - t0
        print(f"{corpus.name}: {corpus.mb:.1f} MB, {n} records, {dt:.2f} s under cProfile "
              f"({corpus.mb / dt:.1f} MB/s profiled)")
        st = pstats.Stats(prof)
        if args.out:
            st.dump_stats(args.out)
        st.strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
