#!/usr/bin/env python3
"""Instructions per MB of `extract`, counted by valgrind: a figure that a busy machine does
not blur.

    .venv/bin/python benchmarks/instructions.py            # samples and work reports
    .venv/bin/python benchmarks/instructions.py --which samples

Wall time on a shared two-core box swings by a third from one run to the next; the number
of instructions a pass executes does not (callgrind counts them, whatever else runs). The
script runs a child process twice under `valgrind --tool=callgrind`: once with a warm-up
pass only, once with one more pass, and prints the difference per MB of input. Compare two
checkouts with it (run it in each); instructions are not time (code that waits on memory
or branches costs more per instruction), so `bench.py` on a quiet machine has the last
word. Needs valgrind (Debian: valgrind); about a minute.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = r"""
import sys, tempfile
from pathlib import Path
sys.path.insert(0, {root!r})
from benchmarks import bench
which, rounds = sys.argv[1], int(sys.argv[2])
tmp = Path(tempfile.mkdtemp())
if which == "samples":
    corpus = bench.build_sample_corpus(sorted(bench.DEFAULT_SAMPLES.glob("*.txt")), tmp, 100_000)[0]
else:
    corpus = bench.build_jsonl_corpus(bench.DEFAULT_CORPUS, tmp)
rules = bench.load_rules()
bench.scanner_for(rules.units)
bench.run_extract(corpus.files, rules)      # warm-up: caches as in a long batch
for _ in range(rounds):
    bench.run_extract(corpus.files, rules)
print(corpus.mb)
"""


def count(which: str, rounds: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "child.py"
        script.write_text(CHILD.format(root=str(ROOT)))
        p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                            sys.executable, str(script), which, str(rounds)],
                           capture_output=True, text=True, check=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    return int(m.group(1)), float(p.stdout.split()[-1])


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--which", choices=["samples", "reports", "both"], default="both")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("instructions.py needs valgrind (apt-get install valgrind)")
    out = {}
    for which in (["samples", "reports"] if args.which == "both" else [args.which]):
        if which == "reports" and not Path(str(ROOT.parent / "shared" / "corpus")).exists():
            continue
        base, mb = count(which, 0)
        more, _ = count(which, 1)
        out[which] = (more - base) / mb / 1e6
        print(f"extract, {which}: {out[which]:.0f} M instructions per MB ({mb:.2f} MB)")
    return out


if __name__ == "__main__":
    main()
