"""Scan speed on number chains (issue 11 row 20) next to real prose.

    .venv/bin/python benchmarks/chains.py [--mb 1]

Each row: `gazette quantities` scan (reflow + scanner, strict and --all-numbers) of
`--mb` MB of one repeated piece (1万1, 1万, 一点一 …), in MB/s, best of 2; the first row is
the government reports corpus when present. Linear means the MB/s do not fall as --mb
grows (try 0.25 and 1). Figures only; nothing is asserted (tests check the ratio).
"""
from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

from gazette_cli.extraction import scan_quantities
from gazette_cli.units import load_units

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "government_work_reports.jsonl"
CHAINS = ["1万1", "1万", "一点一", "5 万", "十几", "一零", "1,000,", "1点一", "一又", "5元3角", "第一", "九"]


def _mbps(text: str, loose: bool, units) -> float:
    size = len(text.encode("utf-8")) / 1e6
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scan_quantities(text, units=units, all_numbers=loose)
        best = min(best, time.perf_counter() - t0)
    return size / best


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0)
    args = ap.parse_args(argv)
    units = load_units()
    rows = []
    if CORPUS.exists():
        texts = [json.loads(line)["content"] for line in CORPUS.open(encoding="utf-8")]
        rows.append(("corpus (prose)", "\n".join(texts)))
    for piece in CHAINS:
        n = int(args.mb * 1e6) // len(piece.encode("utf-8"))
        rows.append((piece, piece * n))
    print(f"{'text':16} {'MB':>6} {'strict MB/s':>12} {'--all-numbers MB/s':>19}")
    for name, text in rows:
        mb = len(text.encode("utf-8")) / 1e6
        print(f"{name:16} {mb:6.2f} {_mbps(text, False, units):12.2f} {_mbps(text, True, units):19.2f}", flush=True)


if __name__ == "__main__":
    main()
