"""The store: `gazette extract --db`: idempotent reruns, changed files and rules, crash
safety (a run killed with SIGKILL, then completed, equals a clean run row for row), one
writer at a time."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from gazette_cli import batch
from gazette_cli.rules import load_rules
from gazette_cli.store import Store, StoreBusy, engine_for, extract_to_store, rules_hash
from .store_helpers import GAZETTE, gazette, jsonl, make_archive

ENGINES = ["archive.sqlite", pytest.param("archive.duckdb", marks=pytest.mark.skipif(
    __import__("importlib").util.find_spec("duckdb") is None, reason="the 'db' extra (duckdb) is not installed"))]


def rows(db, table="records", drop=("extracted_at",)):
    """A table's rows in key order, without the columns that differ between runs."""
    with Store(db) as s:
        df = s.frame(table)
    df = df.drop(columns=[c for c in drop if c in df.columns])
    df = df.astype(object).where(df.notna(), None)
    return [tuple(r) for r in df.itertuples(index=False)]


@pytest.mark.parametrize("name, engine", [("a.duckdb", "duckdb"), ("a.ddb", "duckdb"), ("a.sqlite", "sqlite"),
                                          ("a.SQLITE3", "sqlite"), ("x/a.db", "sqlite"), ("archive", "duckdb")])
def test_engine_from_the_name(name, engine):
    assert engine_for(name) == engine


@pytest.mark.parametrize("db", ENGINES)
def test_rerun_adds_nothing_and_changes_replace_their_rows(tmp_path, db):
    files = make_archive(tmp_path / "issues", 6, small=True)
    store = tmp_path / db
    first = gazette("extract", tmp_path / "issues", "--db", store, "-j", "1")
    assert first.returncode == 0, first.stderr
    assert "6 issue(s) extracted, 0 unchanged" in first.stderr
    plain = jsonl(gazette("extract", tmp_path / "issues", "-f", "jsonl", "-j", "1").stdout)
    records = rows(store)
    assert len(records) == len(plain) == 12
    with Store(store) as s:
        stored = s.frame("records")
        issues = s.frame("issues")
    assert list(stored["file"]) == [r["file"] for r in sorted(plain, key=lambda r: stored_order(issues, r))]
    assert sorted(issues["path"]) == sorted(str(f.resolve()) for f in files)
    assert set(issues["records"]) == {2}
    assert str(sorted(issues["issue_date"].astype(str))[0])[:10] == "2024-01-01"

    again = gazette("extract", tmp_path / "issues", "--db", store)
    assert again.returncode == 0, again.stderr
    assert "0 issue(s) extracted, 6 unchanged" in again.stderr and "0 record(s) added" in again.stderr
    assert rows(store) == records
    assert rows(store, "issues", drop=()) == rows(store, "issues", drop=())  # extracted_at kept too

    before = {r[1]: r for r in rows(store, "issues", drop=())}
    files[2].write_text("县农商行发放惠农贷款800万元，另发放创业贷款30万元、助业贷款20万元。\n", "utf-8")
    changed = gazette("extract", tmp_path / "issues", "--db", store, "-j", "1")
    assert "1 issue(s) extracted, 5 unchanged" in changed.stderr, changed.stderr
    assert "3 record(s) added, 2 replaced" in changed.stderr
    after = {r[1]: r for r in rows(store, "issues", drop=())}
    assert after[str(files[2].resolve())][0] != before[str(files[2].resolve())][0]  # the new hash
    assert {k: v for k, v in after.items() if k != str(files[2].resolve())} == \
        {k: v for k, v in before.items() if k != str(files[2].resolve())}
    with Store(store) as s:
        values = s.frame("records").query("file.str.endswith('issue0002.txt')")["value_text"].tolist()
        hashes = set(s.frame("records")["issue"]) - set(s.frame("issues")["hash"])
    assert values == ["8000000", "300000", "200000"]
    assert hashes == set()  # no record outlives its issue


@pytest.mark.parametrize("db", ENGINES)
def test_changed_rules_and_force_extract_again(tmp_path, db):
    make_archive(tmp_path / "issues", 3, small=True)
    store = tmp_path / db
    assert gazette("extract", tmp_path / "issues", "--db", store, "-j", "1").returncode == 0
    extra = tmp_path / "mine.yaml"
    extra.write_text("rules:\n  - id: loan_amount.mine\n    metric: loan_amount\n    keywords: [惠农贷款]\n"
                     "    before: 8\n    after: 2\n", "utf-8")
    table = [(["--force"], "3 issue(s) extracted, 0 unchanged"),
             (["--rules", extra], "3 issue(s) extracted, 0 unchanged"),     # other rules: a new hash
             (["--rules", extra], "0 issue(s) extracted, 3 unchanged"),
             ([], "3 issue(s) extracted, 0 unchanged"),                     # back to the default rules
             (["--no-reflow"], "3 issue(s) extracted, 0 unchanged")]
    for args, expected in table:
        r = gazette("extract", tmp_path / "issues", "--db", store, "-j", "1", *args)
        assert r.returncode == 0 and expected in r.stderr, (args, r.stderr)
    with Store(store) as s:
        assert s.counts() == (3, 6)


def test_rules_hash_follows_the_bytes_of_the_rule_and_units_files(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules: []\n", "utf-8")
    default = load_rules()
    with_mine = load_rules([mine])
    h = rules_hash(with_mine)
    cases = [(default, True, rules_hash(default)), (with_mine, True, h)]
    assert rules_hash(default) != h != rules_hash(with_mine, reflow=False)
    for rs, reflow, expected in cases:
        assert rules_hash(rs, reflow=reflow) == expected
    mine.write_text("rules: []\n# a comment\n", "utf-8")
    assert rules_hash(load_rules([mine])) != h


def test_the_same_bytes_under_two_paths_are_stored_once(tmp_path):
    make_archive(tmp_path / "issues", 2, small=True)
    (tmp_path / "copy.txt").write_bytes((tmp_path / "issues").joinpath(sorted(p.name for p in (tmp_path / "issues").iterdir())[0]).read_bytes())
    store = tmp_path / "a.sqlite"
    assert gazette("extract", tmp_path / "issues", "--db", store, "-j", "1").returncode == 0
    r = gazette("extract", tmp_path / "issues", tmp_path / "copy.txt", "--db", store, "-j", "1")
    assert "0 issue(s) extracted, 2 unchanged, 1 duplicate(s) of stored issues" in r.stderr, r.stderr
    with Store(store) as s:
        assert s.counts() == (2, 4)


def _committed(store: Path, engine: str) -> bool:
    """Some issue is committed (without taking any lock the writer needs)."""
    if engine == "sqlite":
        try:
            con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1)
            try:
                return con.execute("SELECT count(*) FROM issues").fetchone()[0] > 0
            finally:
                con.close()
        except sqlite3.Error:
            return False
    # DuckDB: a commit lands in the write-ahead log; the schema's few hundred bytes go
    # there too (until the checkpoint that follows them), an issue's records are more
    wal = Path(str(store) + ".wal")
    return wal.exists() and wal.stat().st_size > 4000


@pytest.mark.parametrize("db", ENGINES)
def test_kill_9_mid_run_then_rerun_equals_a_clean_run(tmp_path, db):
    n = 240   # enough issues that the run is still going when the first commit is seen
    make_archive(tmp_path / "issues", n)
    engine = engine_for(db)
    clean, killed = tmp_path / ("clean_" + db), tmp_path / ("killed_" + db)
    r = gazette("extract", tmp_path / "issues", "--db", clean, "-j", "1")
    assert r.returncode == 0, r.stderr

    proc = subprocess.Popen([*GAZETTE, "extract", str(tmp_path / "issues"), "--db", str(killed), "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and not _committed(killed, engine):
            time.sleep(0.005)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with Store(killed) as s:                                   # consistent: every issue whole
        issues, records = s.counts()
        per_issue = s.frame("issues")[["hash", "records"]]
        stored = s.frame("records").groupby("issue").size()
    assert 0 < issues < n
    assert records == int(per_issue["records"].sum())
    assert all(stored.get(h, 0) == k for h, k in zip(per_issue["hash"], per_issue["records"]))

    r = gazette("extract", tmp_path / "issues", "--db", killed, "-j", "1")
    assert r.returncode == 0, r.stderr
    assert f"{n - issues} issue(s) extracted, {issues} unchanged" in r.stderr
    assert rows(killed) == rows(clean)
    assert rows(killed, "issues") == rows(clean, "issues")


@pytest.mark.parametrize("db", ENGINES)
def test_a_second_writer_fails_with_one_line(tmp_path, db):
    make_archive(tmp_path / "issues", 2, small=True)
    store = tmp_path / db
    with Store(store, write=True):
        r = gazette("extract", tmp_path / "issues", "--db", store)
        if engine_for(db) == "sqlite":  # (DuckDB shares one database between the connections of a process)
            with pytest.raises(StoreBusy):
                extract_to_store([tmp_path / "issues"], store, task=batch.Task())
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "in use by another" in r.stderr and "Traceback" not in r.stderr
    r = gazette("extract", tmp_path / "issues", "--db", store, "-j", "1")   # the lock went with the first writer
    assert r.returncode == 0 and "2 issue(s) extracted" in r.stderr


def test_a_second_writer_with_wait_goes_on_when_the_first_ends(tmp_path):
    make_archive(tmp_path / "issues", 2, small=True)
    store = tmp_path / "a.sqlite"
    first = Store(store, write=True)
    proc = subprocess.Popen([*GAZETTE, "extract", str(tmp_path / "issues"), "--db", str(store), "--wait", "120"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)   # the second is waiting (or not started yet: it then finds the store free)
    first.close()
    out, errs = proc.communicate(timeout=300)
    assert proc.returncode == 0, errs
    assert "2 issue(s) extracted" in errs


@pytest.mark.parametrize("args, code, message", [
    (["-", "--db", "{tmp}/a.sqlite"], 1, "standard input cannot go into a store"),
    (["{tmp}/issues", "--db", "{tmp}/a.sqlite", "-o", "{tmp}/out.csv"], 2, "--db writes to the store"),
    (["{tmp}/issues", "--db", "{tmp}/not_a_store.db"], 1, "not a SQLite store"),
    (["{tmp}/issues", "--db", "{tmp}/issues"], 1, "is a directory"),
    (["{tmp}/issues", "--db", "{tmp}/missing/a.sqlite"], 1, "cannot open"),
])
def test_store_usage_errors_are_one_line(tmp_path, args, code, message):
    make_archive(tmp_path / "issues", 1, small=True)
    (tmp_path / "not_a_store.db").write_text("这不是数据库\n" * 100, "utf-8")
    r = gazette("extract", *[a.replace("{tmp}", str(tmp_path)) for a in args], input="")
    assert r.returncode == code, r.stderr
    assert message in r.stderr and r.stderr.count("\n") == 1, r.stderr


def stored_order(issues, rec):
    """The store's order of records: by issue hash, then position in the issue."""
    h = issues.set_index("path")["hash"]
    return (h[str(Path(rec["file"]).resolve())], rec["line"], rec["column"])


def test_a_moved_file_is_stored_under_its_new_path(tmp_path):
    files = make_archive(tmp_path / "issues", 2, small=True)
    store = tmp_path / "a.sqlite"
    assert gazette("extract", tmp_path / "issues", "--db", store, "-j", "1").returncode == 0
    (tmp_path / "moved").mkdir()
    new = files[0].rename(tmp_path / "moved" / files[0].name)
    r = gazette("extract", tmp_path / "issues", tmp_path / "moved", "--db", store, "-j", "1")
    assert "1 issue(s) extracted, 1 unchanged" in r.stderr and "2 record(s) added, 2 replaced" in r.stderr, r.stderr
    with Store(store) as s:
        assert sorted(s.frame("issues")["path"]) == sorted([str(new.resolve()), str(files[1].resolve())])
        assert set(s.frame("records")["file"]) == {str(new), str(files[1])}


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_negative_wait_is_a_usage_error(tmp_path, force):
    make_archive(tmp_path / "issues", 1, small=True)
    r = gazette("extract", tmp_path / "issues", "--db", tmp_path / "s.sqlite", "--wait", "-1", *force)
    assert r.returncode == 2 and "--wait must not be negative" in r.stderr
    assert not (tmp_path / "s.sqlite").exists()


@pytest.mark.parametrize("force", [False, True])
def test_each_file_is_hashed_once_and_that_hash_keys_its_issue(tmp_path, monkeypatch, force):
    import hashlib
    from gazette_cli import store as store_module
    files = make_archive(tmp_path / "issues", 3, small=True)
    db = tmp_path / "a.sqlite"
    extract_to_store([tmp_path / "issues"], db, task=batch.Task(), jobs=1)
    hashed, digest = [], store_module.file_digest
    monkeypatch.setattr(store_module, "file_digest", lambda p: hashed.append(p) or digest(p))
    files[0].write_text("县农商行发放惠农贷款800万元。\n", "utf-8")
    rep = extract_to_store([tmp_path / "issues"], db, task=batch.Task(), jobs=1, force=force)
    assert sorted(hashed) == sorted(str(f) for f in files)
    assert (rep.extracted, rep.unchanged) == ((3, 0) if force else (1, 2))
    with Store(db) as s:
        issues = s.frame("issues")
    assert {p: h for p, h in zip(issues["path"], issues["hash"])} == \
        {str(f.resolve()): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
