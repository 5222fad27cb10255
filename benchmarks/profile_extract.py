#!/usr/bin/env python3
"""Profile `extract` with cProfile over the benchmark corpora (see PROFILE.md).

    .venv/bin/python benchmarks/profile_extract.py                 # 20 MB samples corpus
    .venv/bin/python benchmarks/profile_extract.py --which real    # government work reports
    .venv/bin/python benchmarks/profile_extract.py --sort tottime --top 40
    .venv/bin/python benchmarks/profile_extract.py --stages --which real   # wall time per stage

Rules, units and the scan pattern are loaded (and one warm-up pass run) before profiling,
so the profile shows the per-byte cost, not one-time set-up. --out FILE keeps the raw
stats for `python -m pstats` or snakeviz.

--stages skips cProfile (which inflates Python-level calls about 2.5x) and times, without
a profiler, each stage extract_text runs: read, reflow, the quantity regex alone, the
Python work on its matches (scan minus regex), attribution, records. It calls the
library's internals in the order extract_text does, so it must follow them if they change.
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
    ap.add_argument("--stages", action="store_true", help="wall time per stage instead of cProfile")
    ap.add_argument("--repeat", type=int, default=3, help="with --stages: passes, best kept per stage")
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
        if args.stages:
            return stages(corpus, ruleset, args.repeat)
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


def stages(corpus, ruleset, repeat: int) -> dict:
    from gazette_cli.attribution import attribute
    from gazette_cli.extraction import _Doc, _metric_record
    from gazette_cli.reflow import reflow

    scanner = bench.scanner_for(ruleset.units)
    names = ["read", "reflow", "quantity patterns", "match handling", "attribute", "records"]
    best = dict.fromkeys(names, float("inf"))
    clock = time.process_time   # CPU time: the box is shared
    for _ in range(repeat):
        t = dict.fromkeys(names, 0.0)
        for f in corpus.files:
            t0 = clock()
            text = bench.read_issue(f).text
            t1 = clock()
            flow = reflow(text)
            t2 = clock()
            for _m in scanner.grammar.matches(flow.text):   # the two stages of the pattern, no Python on matches
                pass
            t3 = clock()
            qs = scanner.scan(flow.text)
            t4 = clock()
            doc = _Doc(str(f), flow)
            claims = attribute(flow.text, qs, ruleset, sentences=doc.sentences)
            t5 = clock()
            [_metric_record(doc, q, c[0], ruleset) for q, c in zip(qs, claims) if c]
            t6 = clock()
            for k, v in zip(names, (t1 - t0, t2 - t1, t3 - t2, (t4 - t3) - (t3 - t2), t5 - t4, t6 - t5)):
                t[k] += v
        for k in names:
            best[k] = min(best[k], t[k])
    total = sum(best.values())
    print(f"{corpus.name}: {corpus.mb:.1f} MB, {total:.3f} s in all stages ({corpus.mb / total:.1f} MB/s), "
          f"best of {repeat} per stage")
    for k in names:
        print(f"  {k:16s} {best[k]:7.3f} s {100 * best[k] / total:5.1f} % {1000 * best[k] / corpus.mb:6.1f} ms/MB")
    return best


if __name__ == "__main__":
    main()
