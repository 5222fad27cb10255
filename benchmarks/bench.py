#!/usr/bin/env python3
"""gazette throughput benchmark: `extract` and `quantities` in MB/s beside a plain regex scan.

    .venv/bin/python benchmarks/bench.py                  # 20 MB corpus, best of 3
    .venv/bin/python benchmarks/bench.py --quick          # a smoke run (2 MB, one pass)
    .venv/bin/python benchmarks/bench.py --corpus none    # without the real-prose corpus
    .venv/bin/python benchmarks/bench.py --cold-only      # only the cold start of one issue

The corpus is written to disk and read back the way the command line reads it: the shipped
samples (samples/*.txt) copied as many issue-sized files until --size-mb is reached, the
same text once more as a single big file, and, when the file exists, the government work
reports (JSONL, field `content`) one file per report as a second, real-prose corpus.

Everything runs in this one process with the library calls the CLI makes
(`gazette_cli.extract` / `quantities` per file, rules and units loaded once, as
`gazette extract DIR` does). Throughput is bytes on disk / wall time, best of --repeat
passes, MB = 10^6 bytes. Speed goals are printed here, never asserted in tests.

The cold start is the other measurement: `gazette extract <first sample> --format jsonl` as
a fresh process, the median of --cold-runs (5), beside `python -c pass` and the import of
gazette_cli, plus a breakdown of one fresh process by phase (see cold_start).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import regex

from gazette_cli import extraction as _extraction
from gazette_cli.extraction import extract, quantities
from gazette_cli.quantities import scanner_for
from gazette_cli.inputs import read_issue
from gazette_cli.rules import load_rules
from gazette_cli.units import load_units

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = ROOT / "samples"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "government_work_reports.jsonl"
#: real extra rules timed by default, when shipped: the optional rule pack(s)
DEFAULT_EXTRA_PACKS = [ROOT / "rules" / "extended"]
GOAL_MBPS = 30.0
#: one issue from a cold start, in seconds (issue 10)
COLD_GOAL_S = 0.3
MB = 1_000_000
#: the baseline: what one plain regex pass over the same text costs
PLAIN_RE = regex.compile(r"[0-9０-９]+(?:\.[0-9]+)?")
#: units the synthetic extra rules cycle through (all in rules/units.yaml)
EXTRA_UNITS = ["元", "亩", "株", "%", "人", "个", "公里", "吨", "家", "项"]


# -- corpus --------------------------------------------------------------------------------
@dataclass
class Corpus:
    name: str
    files: list[Path]
    nbytes: int

    @property
    def mb(self) -> float:
        return self.nbytes / MB


def build_sample_corpus(samples: list[Path], out: Path, size_bytes: int) -> tuple[Corpus, Corpus]:
    """Copies of the samples as issue files under out/issues until `size_bytes` is reached,
    and the same text as one file, out/single/all.txt. Returns (issues, single)."""
    if not samples:
        raise SystemExit("bench: no samples/*.txt to build the corpus from")
    data = [(p.stem, p.read_bytes()) for p in samples]
    texts = [read_issue(p).text for p in samples]          # the single file is UTF-8 whatever the samples are
    issues_dir, single_dir = out / "issues", out / "single"
    issues_dir.mkdir(parents=True, exist_ok=True)
    single_dir.mkdir(parents=True, exist_ok=True)
    files, total, i = [], 0, 0
    with open(single_dir / "all.txt", "wb") as single:
        while total < size_bytes:
            stem, raw = data[i % len(data)]
            f = issues_dir / f"{i:05d}_{stem}.txt"
            f.write_bytes(raw)
            files.append(f)
            total += len(raw)
            single.write(texts[i % len(data)].encode("utf-8") + b"\n\n")
            i += 1
    big = single_dir / "all.txt"
    return Corpus(f"samples ({len(samples)}) x {len(files)} files", files, total), \
        Corpus("single file", [big], big.stat().st_size)


def build_jsonl_corpus(path: Path, out: Path) -> Corpus | None:
    """Each JSONL line's `content` as one issue file under out/reports (None if no file)."""
    if not path or not path.is_file():
        return None
    d = out / "reports"
    d.mkdir(parents=True, exist_ok=True)
    files, total = [], 0
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if not line.strip():
                continue
            content = json.loads(line).get("content") or ""
            if not content.strip():
                continue
            f = d / f"{n:04d}.txt"
            raw = content.encode("utf-8")
            f.write_bytes(raw)
            files.append(f)
            total += len(raw)
    return Corpus(f"{path.name}: {len(files)} files", files, total) if files else None


# -- synthetic rules ------------------------------------------------------------------------
def corpus_bigrams(texts, skip: int = 40, limit: int = 2000) -> list[str]:
    """Frequent CJK bigrams of the text (the most frequent `skip` left out)."""
    c = Counter()
    for t in texts:
        for m in regex.finditer(r"\p{Han}{2,}", t):
            w = m.group()
            c.update(w[i:i + 2] for i in range(len(w) - 1))
    return [w for w, _ in c.most_common(skip + limit)[skip:]]


def write_extra_rules(out: Path, n: int, keywords: list[str] | None, units=EXTRA_UNITS) -> Path:
    """A valid rule file of `n` rules (one metric per unit of `units`, rules cycling over
    them). With keywords None they are words that never occur (CJK Extension A
    characters): only the size of the rule set grows. Otherwise each rule takes two of
    `keywords`, and every fourth rule is a pattern rule, so the extra rules really fire."""
    out.mkdir(parents=True, exist_ok=True)
    q = json.dumps
    units = list(units)
    lines = ["# generated by benchmarks/bench.py", "metrics:"]
    for u, unit in enumerate(units):
        lines += [f"  bench_m{u}:", f"    unit: {q(unit, ensure_ascii=False)}"]
    lines.append("rules:")
    for i in range(n):
        if keywords:
            kws = [keywords[(2 * i) % len(keywords)], keywords[(2 * i + 1) % len(keywords)]]
        else:
            kws = [chr(0x3400 + 2 * i) + chr(0x4000 + i), chr(0x3401 + 2 * i) + chr(0x4000 + i)]
        lines += [f"  - id: bench.r{i}", f"    metric: bench_m{i % len(units)}",
                  f"    keywords: {q(kws, ensure_ascii=False)}"]
        if i % 4 == 3:
            lines.append(f"    patterns: [{q('{K}[^。；！？]{0,12}?{Q}', ensure_ascii=False)}]")
    f = out / "bench_rules.yaml"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


# -- passes -----------------------------------------------------------------------------------
def _run(files, one) -> tuple[int, int]:
    """(records, warnings) of `one(file)` over the files."""
    records = warnings = 0
    for f in files:
        r = one(f)
        records += len(r.records)
        warnings += len(r.warnings)
    return records, warnings


def run_extract(files, ruleset) -> tuple[int, int]:
    return _run(files, lambda f: extract(f, ruleset=ruleset))


def run_quantities(files, units) -> tuple[int, int]:
    return _run(files, lambda f: quantities(f, units=units))


def run_regex(files) -> tuple[int, int]:
    """Read and decode each file as extract does, then one plain regex pass."""
    n = 0
    for f in files:
        text = read_issue(f).text
        n += sum(1 for _ in PLAIN_RE.finditer(text))
    return n, 0


def run_read(files) -> tuple[int, int]:
    for f in files:
        read_issue(f)
    return 0, 0


class StageClock:
    """Time spent inside extraction's stages during a pass: `scan` (reflow + the quantity
    scan) and `rules` (attributing quantities to rules). It wraps the module functions
    extract_text calls by name; a stage the module no longer has is left out."""

    STAGES = {"scan": "_scan", "rules": "attribute"}

    def __init__(self):
        self.t = {k: 0.0 for k in self.STAGES}
        self._saved = {}

    def __enter__(self):
        for key, name in self.STAGES.items():
            fn = getattr(_extraction, name, None)
            if not callable(fn):
                self.t.pop(key, None)
                continue
            self._saved[name] = fn

            def timed(*a, _fn=fn, _key=key, **kw):
                t0 = time.perf_counter()
                try:
                    return _fn(*a, **kw)
                finally:
                    self.t[_key] += time.perf_counter() - t0
            setattr(_extraction, name, timed)
        return self

    def __exit__(self, *exc):
        for name, fn in self._saved.items():
            setattr(_extraction, name, fn)
        self._saved.clear()

    def reset(self):
        self.t = {k: 0.0 for k in self.t}


def best_of(fn, repeat: int, clock: StageClock | None = None):
    """(best wall time, result, stage times of that pass) over `repeat` passes."""
    best, result, stages = float("inf"), None, {}
    for _ in range(max(1, repeat)):
        gc.collect()
        if clock:
            clock.reset()
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
        if dt < best:
            best, stages = dt, dict(clock.t) if clock else {}
    return best, result, stages


def traced_peak(fn) -> tuple[float, object]:
    """Peak Python heap (MiB) while fn runs, by tracemalloc (slow: never timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, result


# -- main -------------------------------------------------------------------------------------
def _row(label: str, seconds: float, nbytes: int, count, what: str = "records", stages=None) -> dict:
    mbps = nbytes / MB / seconds if seconds > 0 else float("inf")
    stages = {k: v for k, v in (stages or {}).items() if v > 0}
    detail = "  [" + " · ".join(f"{k} {v:.2f} s" for k, v in stages.items()) + "]" if stages else ""
    print(f"  {label:<44} {seconds:8.3f} s {mbps:9.1f} MB/s {count:>9} {what}{detail}")
    row = {"seconds": seconds, "mb": nbytes / MB, "mb_per_s": mbps, what: count}
    if stages:
        row["stages"] = stages
    return row


# -- cold start ----------------------------------------------------------------------------
#: run in a fresh process: how long each phase of a cold `gazette extract` takes, as JSON
_PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
import gazette_cli.cli
t1 = time.perf_counter()
from gazette_cli.extraction import extract
from gazette_cli.quantities import scanner_for
from gazette_cli.rules import load_rules
from gazette_cli.units import load_units
t2 = time.perf_counter()
units = load_units()
t3 = time.perf_counter()
ruleset = load_rules(units=units)
t4 = time.perf_counter()
scanner_for(ruleset.units)
t5 = time.perf_counter()
n = len(extract(sys.argv[1], ruleset=ruleset).records)
t6 = time.perf_counter()
print(json.dumps({"import_cli": t1 - t0, "import_rest": t2 - t1, "units": t3 - t2, "rules": t4 - t3,
                  "scanner": t5 - t4, "extract": t6 - t5, "records": n}))
"""


def _gazette_command(python: str) -> list[str]:
    """The console script beside the interpreter (as a user runs it), else `python -m`."""
    script = Path(python).parent / "gazette"
    return [str(script)] if script.is_file() else [python, "-m", "gazette_cli.cli"]


def _timed(cmd: list[str], env: dict, runs: int, cwd: str) -> tuple[float, list[float]]:
    """Median wall time of `runs` fresh processes (output discarded; a failure stops the bench)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
        times.append(time.perf_counter() - t)
        if done.returncode != 0:
            raise SystemExit(f"bench: {' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return statistics.median(times), times


def cold_start(sample: Path, runs: int = 5, python: str = sys.executable) -> dict:
    """One issue from a cold start: fresh processes, each timed whole (wall clock).

    The processes run with their own bytecode cache (PYTHONPYCACHEPREFIX, written by a first
    untimed run even where PYTHONDONTWRITEBYTECODE is set: an installed package has its .pyc
    files) and their own gazette data cache (GAZETTE_CACHE_DIR, filled by that first run), both
    in a temporary directory: the timed runs are the second start onward, as a user sees it.
    The first run (empty caches, compiling bytecode too) and runs with the data cache off
    (GAZETTE_NO_CACHE=1) are printed beside them."""
    res: dict = {"runs": runs, "sample": str(sample)}
    sample = Path(sample).resolve()
    with tempfile.TemporaryDirectory(prefix="gazette-cold-") as tmp:
        # run in an empty directory: `python -c` puts the current one first on sys.path, and in
        # a source tree that would import its gazette_cli instead of the interpreter's
        cwd = str(Path(tmp) / "cwd")
        os.mkdir(cwd)
        env = dict(os.environ, PYTHONPYCACHEPREFIX=str(Path(tmp) / "pyc"), GAZETTE_CACHE_DIR=str(Path(tmp) / "data"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("GAZETTE_NO_CACHE", None)
        cmd = _gazette_command(python) + ["extract", str(sample), "--format", "jsonl"]
        res["first_s"], _ = _timed(cmd, env, 1, cwd)
        res["python_s"], _ = _timed([python, "-c", "pass"], env, runs, cwd)
        res["import_s"], _ = _timed([python, "-c", "import gazette_cli"], env, runs, cwd)
        res["import_cli_s"], _ = _timed([python, "-c", "import gazette_cli.cli"], env, runs, cwd)
        res["extract_s"], res["extract_all_s"] = _timed(cmd, env, runs, cwd)
        res["extract_no_cache_s"], _ = _timed(cmd, dict(env, GAZETTE_NO_CACHE="1"), runs, cwd)
        phases = []
        for _ in range(runs):
            done = subprocess.run([python, "-c", _PHASES, str(sample)], env=env, capture_output=True, cwd=cwd)
            if done.returncode != 0:
                raise SystemExit(f"bench: the phase breakdown failed: {done.stderr.decode()[-500:]}")
            phases.append(json.loads(done.stdout))
        res["phases_s"] = {k: statistics.median(p[k] for p in phases) for k in phases[0] if k != "records"}
        res["records"] = phases[0]["records"]
    ph = res["phases_s"]
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    shown = [Path(cmd[0]).name, *cmd[1:]]
    shown[shown.index(str(sample))] = sample.name
    print(f"\n[cold start: {' '.join(shown)} ({Path(python).parent.parent}), "
          f"median of {runs} fresh processes]")
    rows = [("python -c pass", res["python_s"], ""),
            ("python -c 'import gazette_cli'", res["import_s"], ""),
            ("python -c 'import gazette_cli.cli'", res["import_cli_s"], ""),
            ("gazette extract (caches warm)", res["extract_s"],
             f"   goal {ms(COLD_GOAL_S)}; runs {', '.join(f'{t:.2f}' for t in res['extract_all_s'])} s"),
            ("  … with GAZETTE_NO_CACHE=1", res["extract_no_cache_s"], ""),
            ("  … first run (empty caches, bytecode)", res["first_s"], "")]
    for label, seconds, note in rows:
        print(f"  {label:<40} {ms(seconds):>8}{note}")
    print(f"  phases in one process: import gazette_cli.cli {ms(ph['import_cli'])}, units {ms(ph['units'])}, "
          f"rules {ms(ph['rules'])}, scanner build {ms(ph['scanner'])}, extract {ms(ph['extract'])} "
          f"({res['records']} records)")
    return res


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=None,
                    help="size of the samples corpus in MB (default 20; 2 with --quick)")
    ap.add_argument("--repeat", type=int, default=None, help="passes per measurement, best kept (default 3; 1 with --quick)")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS),
                    help="JSONL of real reports (field `content`) for a second corpus; 'none' to skip "
                         f"(default {DEFAULT_CORPUS}, skipped when missing)")
    ap.add_argument("--samples", default=str(DEFAULT_SAMPLES), help="directory of sample issues (*.txt)")
    ap.add_argument("--extra-rules", type=int, default=200, help="number of synthetic rules added (default 200)")
    ap.add_argument("--rules", action="append", default=None, metavar="PATH",
                    help="rule file or directory to add for one more extract row (repeatable; default: "
                         "rules/extended when it exists; 'none' for no such row)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: small corpus, one pass")
    ap.add_argument("--workdir", default=None, help="write the corpus here and keep it (default: a temp dir, removed)")
    ap.add_argument("--json", dest="json_out", default=None, help="also write the figures to this JSON file")
    ap.add_argument("--cold-only", action="store_true",
                    help="measure only the cold start of one issue (fresh processes), not the throughput")
    ap.add_argument("--cold-runs", type=int, default=None,
                    help="fresh processes per cold-start figure, median kept (default 5; 1 with --quick; 0 skips it)")
    args = ap.parse_args(argv)
    if args.cold_runs is None:
        args.cold_runs = 1 if args.quick else 5
    if args.size_mb is None:
        args.size_mb = 2.0 if args.quick else 20.0
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.rules is None:
        args.rules = [str(p) for p in DEFAULT_EXTRA_PACKS if p.is_dir()]
    args.rules = [r for r in args.rules if r.lower() != "none"]
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.cold_only:
        res = {"cold_start": cold_start(_first_sample(args), max(1, args.cold_runs))}
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return res
    if args.workdir:
        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        return run(args, work)
    with tempfile.TemporaryDirectory(prefix="gazette-bench-") as tmp:
        return run(args, Path(tmp))


def _first_sample(args) -> Path:
    samples = sorted(Path(args.samples).glob("*.txt"))
    if not samples:
        raise SystemExit(f"bench: no *.txt sample in {args.samples}")
    return samples[0].resolve()


def run(args, work: Path) -> dict:
    res: dict = {"size_mb": args.size_mb, "repeat": args.repeat}
    samples = sorted(Path(args.samples).glob("*.txt"))
    t0 = time.perf_counter()
    issues, single = build_sample_corpus(samples, work / "samples", int(args.size_mb * MB))
    real = None if args.corpus.lower() in ("", "none") else build_jsonl_corpus(Path(args.corpus), work / "real")
    build_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    units = load_units()
    ruleset = load_rules()
    scanner_for(units), scanner_for(ruleset.units)  # compile the quantity pattern once, as the CLI does
    load_s = time.perf_counter() - t0
    texts = [read_issue(p).text for p in samples]
    n_extra = args.extra_rules
    # keywords that never occur, in the default rules' own units: only the rule count grows
    absent = load_rules([write_extra_rules(work / "rules_absent", n_extra, None,
                                           sorted({r.unit for r in ruleset.rules}))])
    # frequent words of the corpus, in ten units: the extra rules fire
    present = load_rules([write_extra_rules(work / "rules_present", n_extra, corpus_bigrams(texts))])
    # real rule files added to the default pack (e.g. the extended pack)
    added = load_rules(args.rules) if args.rules else None
    added_label = "+" + ", ".join(Path(r).name for r in args.rules) + (f" ({len(added) - len(ruleset)} rules)" if added else "")

    print(f"gazette benchmark — Python {sys.version.split()[0]}, best of {args.repeat}, MB = 10^6 bytes")
    print(f"corpus: {issues.name}, {issues.mb:.1f} MB; the same as one file, {single.mb:.1f} MB"
          + (f"; {real.name}, {real.mb:.1f} MB" if real else "; no real-prose corpus")
          + f" (built in {build_s:.1f} s)")
    print(f"rules: {len(ruleset)} default, {len(absent)} and {len(present)} with the synthetic ones; rules, units "
          f"and the scan pattern load once in {load_s * 1000:.0f} ms (not timed below)")
    print("[scan …] = time inside reflow + quantity scan, [rules …] = inside attribution to rules")
    if args.size_mb < 20:
        print(f"note: {args.size_mb:g} MB is below the 20 MB the figures are meant for")

    clock = StageClock()

    def measure(key, label, fn, corpus, what="records", stages=False):
        s, (n, w), st = best_of(fn, args.repeat, clock if stages else None)
        res[key] = _row(label, s, corpus.nbytes, n, what, st)
        if w:
            res[key]["warnings"] = w

    with clock:
        print(f"\n[{issues.name}, {issues.mb:.1f} MB]")
        f = issues.files
        measure("read", "read + decode", lambda: (len(f), run_read(f)[1]), issues, "files")
        measure("regex", "plain regex (read + decode + finditer)", lambda: run_regex(f), issues, "matches")
        measure("quantities", "quantities", lambda: run_quantities(f, units), issues, "quantities", True)
        measure("extract", "extract", lambda: run_extract(f, ruleset), issues, stages=True)
        measure("extract_single", f"extract, one {single.mb:.0f} MB file",
                lambda: run_extract(single.files, ruleset), single, stages=True)
        measure("extract_rules_absent", f"extract +{n_extra} rules (keywords absent)",
                lambda: run_extract(f, absent), issues, stages=True)
        measure("extract_rules_present", f"extract +{n_extra} rules (corpus keywords)",
                lambda: run_extract(f, present), issues, stages=True)
        if added:
            measure("extract_rules_added", f"extract {added_label}", lambda: run_extract(f, added), issues, stages=True)
        if real:
            print(f"\n[{real.name}, {real.mb:.1f} MB of real prose]")
            rf = real.files
            measure("real_regex", "plain regex (read + decode + finditer)", lambda: run_regex(rf), real, "matches")
            measure("real_quantities", "quantities", lambda: run_quantities(rf, units), real, "quantities", True)
            measure("real_extract", "extract", lambda: run_extract(rf, ruleset), real, stages=True)
            measure("real_extract_rules_absent", f"extract +{n_extra} rules (keywords absent)",
                    lambda: run_extract(rf, absent), real, stages=True)
            measure("real_extract_rules_present", f"extract +{n_extra} rules (corpus keywords)",
                    lambda: run_extract(rf, present), real, stages=True)
            if added:
                measure("real_extract_rules_added", f"extract {added_label}", lambda: run_extract(rf, added),
                        real, stages=True)

    peak_dir, _ = traced_peak(lambda: run_extract(issues.files, ruleset))
    peak_single, _ = traced_peak(lambda: run_extract(single.files, ruleset))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    res["memory"] = {"extract_files_peak_mib": peak_dir, "extract_single_peak_mib": peak_single, "max_rss_mib": rss}
    print(f"\nmemory: extract peak Python heap {peak_dir:.1f} MiB over the files, {peak_single:.1f} MiB on the "
          f"single {single.mb:.0f} MB file (tracemalloc); process max RSS {rss:.0f} MiB")

    if args.cold_runs > 0:
        res["cold_start"] = cold_start(_first_sample(args), args.cold_runs)

    e, q, r = res["extract"], res["quantities"], res["regex"]
    ratio = r["mb_per_s"] / e["mb_per_s"] if e["mb_per_s"] else float("inf")
    summary = (f"extract: {e['mb_per_s']:.1f} MB/s (goal {GOAL_MBPS:g} MB/s) · quantities {q['mb_per_s']:.1f} MB/s"
               f" · plain regex {r['mb_per_s']:.1f} MB/s ({ratio:.0f}x extract)"
               f" · +{n_extra} rules {res['extract_rules_absent']['mb_per_s']:.1f} MB/s (keywords absent),"
               f" {res['extract_rules_present']['mb_per_s']:.1f} MB/s (firing)"
               + (f" · real prose {res['real_extract']['mb_per_s']:.1f} MB/s" if real else "")
               + f" · peak {max(peak_dir, peak_single):.0f} MiB · {e['records']} records in {issues.mb:.1f} MB"
               + (f" · cold start {res['cold_start']['extract_s']:.2f} s (goal {COLD_GOAL_S:g} s; "
                  f"python -c pass {res['cold_start']['python_s']:.2f} s)" if "cold_start" in res else ""))
    print("\n" + summary)
    res["summary"] = summary
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return res


if __name__ == "__main__":
    main()
