"""The benchmark script runs: corpus built, one pass of every measurement, summary printed.
No timing is asserted here — speed goals are printed by benchmarks/bench.py only."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("gazette_bench", BENCH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up there
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.modules.pop(spec.name, None)


def test_corpus_builder_reaches_size(bench, tmp_path):
    samples = sorted(bench.DEFAULT_SAMPLES.glob("*.txt"))
    issues, single = bench.build_sample_corpus(samples, tmp_path, 100_000)
    assert issues.nbytes >= 100_000 and len(issues.files) >= 2
    assert sum(f.stat().st_size for f in issues.files) == issues.nbytes
    assert single.nbytes >= issues.nbytes


def test_benchmark_quick_run(bench, tmp_path, capsys):
    reports = tmp_path / "reports.jsonl"
    sample = next(bench.DEFAULT_SAMPLES.glob("*.txt")).read_text(encoding="utf-8")
    reports.write_text(json.dumps({"title": "t", "content": sample[:3000]}, ensure_ascii=False) + "\n"
                       + json.dumps({"title": "index", "content": ""}) + "\n", encoding="utf-8")
    res = bench.main(["--size-mb", "0.2", "--quick", "--extra-rules", "20", "--corpus", str(reports),
                      "--workdir", str(tmp_path / "work"), "--cold-runs", "0"])
    out = capsys.readouterr().out
    assert res["extract"]["records"] > 0
    assert res["extract_single"]["records"] == res["extract"]["records"]
    assert res["extract_rules_absent"]["records"] == res["extract"]["records"]
    assert res["quantities"]["quantities"] >= res["extract"]["records"]
    assert res["regex"]["matches"] > 0 and "real_extract" in res
    assert "extract: " in out and "(goal 30 MB/s)" in out
    assert res["summary"] in out
    assert set(res["extract"].get("stages", {})) <= {"scan", "rules"}


def test_cold_start_only(bench, capsys):
    res = bench.main(["--cold-only", "--cold-runs", "1"])["cold_start"]
    out = capsys.readouterr().out
    assert res["records"] == 10 and res["runs"] == 1
    assert all(res[k] > 0 for k in ("python_s", "import_s", "import_cli_s", "extract_s", "extract_no_cache_s", "first_s"))
    assert set(res["phases_s"]) == {"import_cli", "import_rest", "units", "rules", "scanner", "extract"}
    assert "cold start" in out and "python -c pass" in out and "goal 300 ms" in out
