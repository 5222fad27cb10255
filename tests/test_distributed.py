"""Extraction on Dask: the same records as the plain run, in the same order."""
from __future__ import annotations

import importlib.util

import pytest

from .store_helpers import gazette, jsonl, make_archive

pytest.importorskip("dask.bag", reason="the 'dask' extra is not installed")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask") / "issues"
    make_archive(folder, 50)
    return folder


@pytest.fixture(scope="module")
def plain(archive):
    r = gazette("extract", archive, "-f", "jsonl", "-j", "1")
    assert r.returncode == 0, r.stderr
    return jsonl(r.stdout)


@pytest.mark.parametrize("scheduler", ["sync", "processes"])
def test_extract_bag_equals_the_plain_run(archive, plain, scheduler):
    import gazette_cli as gz
    records = gz.extract_bag(archive, npartitions=4).compute(scheduler=scheduler)
    assert len(plain) > 200
    assert records == plain


def test_extract_ddf_equals_extract_frame(archive):
    import pandas as pd
    from gazette_cli.distributed import extract_ddf
    from gazette_cli.frames import extract_frame
    pytest.importorskip("dask.dataframe")
    got = extract_ddf(archive, npartitions=3).compute(scheduler="sync").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, extract_frame(archive, jobs=1), check_categorical=False)


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask.distributed is not installed")
def test_cli_dask_on_a_local_cluster_of_two_processes_equals_the_plain_run(archive, plain):
    r = gazette("extract", archive, "--dask", "local:2", "-f", "jsonl")
    assert r.returncode == 0, r.stderr
    assert jsonl(r.stdout) == plain
    assert "50 file(s) read on dask (local:2)" in r.stderr


def test_rules_travel_as_data(tmp_path, archive):
    """A rule file deleted after loading: the workers still have its rules."""
    import gazette_cli as gz
    from gazette_cli.distributed import results_bag
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - id: loan_amount.mine\n    metric: loan_amount\n    keywords: [惠农贷款]\n"
                    "    before: 8\n    after: 2\n    priority: 10\n", "utf-8")
    rs = gz.load_rules([mine])
    mine.unlink()
    issue = tmp_path / "x.txt"
    issue.write_text("县农商行发放惠农贷款500万元。\n", "utf-8")
    (res,) = results_bag([issue], ruleset=rs).compute(scheduler="processes")
    assert [r["rule"] for r in res.records] == ["loan_amount.mine"]


# (an unreachable tcp:// scheduler gives "cannot reach the scheduler" after the 10 s connect timeout: not run here)
@pytest.mark.parametrize("scheduler, message", [("local:two", "write local:N")])
def test_bad_schedulers_are_one_line(archive, scheduler, message):
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed is not installed")
    r = gazette("extract", archive, "--dask", scheduler, "-f", "jsonl", timeout=120)
    assert r.returncode == 1 and message in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_dask_into_a_store_equals_the_plain_store(archive, tmp_path):
    import gazette_cli as gz
    r = gazette("extract", archive, "--db", tmp_path / "d.sqlite", "--dask", "processes")
    assert r.returncode == 0 and "50 issue(s) extracted" in r.stderr, r.stderr
    assert gazette("extract", archive, "--db", tmp_path / "p.sqlite", "-j", "1").returncode == 0
    assert gz.read_store(tmp_path / "d.sqlite").equals(gz.read_store(tmp_path / "p.sqlite"))
    again = gazette("extract", archive, "--db", tmp_path / "d.sqlite", "--dask", "processes")
    assert "0 issue(s) extracted, 50 unchanged" in again.stderr, again.stderr


def test_two_rule_sets_in_one_process_keep_their_own_rules(tmp_path):
    """Computed here (threads), a bag of other rules does not change what the default rules give."""
    import gazette_cli as gz
    from gazette_cli.distributed import results_bag
    from gazette_cli.frames import extract_records
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - id: loan_amount.mine\n    metric: loan_amount\n    keywords: [惠农贷款]\n"
                    "    before: 8\n    after: 2\n    priority: 10\n", "utf-8")
    issue = tmp_path / "x.txt"
    issue.write_text("县农商行发放惠农贷款500万元。\n", "utf-8")
    default = [r["rule"] for r in extract_records([issue], jobs=1)]
    assert default and default != ["loan_amount.mine"]
    mine_rs = gz.load_rules([mine])
    for _ in range(2):
        (a,) = results_bag([issue], ruleset=mine_rs).compute(scheduler="threads")
        (b,) = results_bag([issue]).compute(scheduler="threads")
        assert [r["rule"] for r in a.records] == ["loan_amount.mine"]
        assert [r["rule"] for r in b.records] == default
        assert [r["rule"] for r in extract_records([issue], jobs=1)] == default


def test_cli_dask_gives_a_pdf_and_a_bad_name_as_the_plain_run_does(tmp_path):
    """The page column right after file, and a pattern that matched nothing counted as a
    failed name, not subtracted from the files read."""
    pytest.importorskip("pypdfium2")
    from .store_helpers import ROOT
    pdf = ROOT / "samples" / "000_325790cf70597617.pdf"
    args = ("extract", pdf, tmp_path / "nomatch*.txt", "-f", "csv")
    plain, dask = gazette(*args, "-j", "1"), gazette(*args, "--dask", "sync")
    assert plain.returncode == dask.returncode == 1
    assert dask.stdout == plain.stdout
    assert dask.stdout.splitlines()[0].startswith("file,page,line,column,metric,value,")
    assert len(dask.stdout.splitlines()) == 11
    assert "1 file(s) read on dask (sync), 10 record(s), 1 file(s) failed" in dask.stderr
    assert "no file matches this pattern" in dask.stderr
