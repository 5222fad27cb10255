"""Archives of issue files for the store, summary and Dask tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "tests" / "corpus" / "tuned").glob("*.txt"))
GAZETTE = [sys.executable, "-m", "gazette_cli.cli"]


def make_archive(folder: Path, n: int, *, small: bool = False) -> list[Path]:
    """`n` issue files, each different (an issue number and a figure of its own), dated
    2024-01-01 + i weeks in their names. `small`: a three-line issue instead of a corpus text."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        year, week = 2024 + (i // 52) % 2, i % 52
        month, day = 1 + week // 5 % 12, 1 + (week * 7) % 28
        body = "县农商行发放惠农贷款500万元。\n" if small else CORPUS[i % len(CORPUS)].read_text("utf-8")
        p = folder / f"{year}-{month:02d}-{day:02d}_issue{i:04d}.txt"
        p.write_text(body + f"\n第{i}期 本期全县完成人工造林{i + 1}亩。\n", "utf-8")
        paths.append(p)
    return paths


def gazette(*args, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([*GAZETTE, *map(str, args)], capture_output=True, text=True, env=env, cwd=kw.pop("cwd", None), **kw)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
