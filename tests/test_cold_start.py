"""The cold start (issue 10): the parse cache of the data files, what a one-file run imports,
and parallel workers that build the rules and scanner once, not once per file.

The cache must never change what a load gives or which problems it reports: every test
here compares a load through the cache with one that does not use it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gazette_cli import batch, datafile
from gazette_cli.datafile import LineDict, LineList, load_yaml
from gazette_cli.resources import default_rules_dir, default_units_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_325790cf70597617.txt"
SHIPPED = [default_units_file(), *sorted(default_rules_dir().glob("*.yaml")),
           *sorted((default_rules_dir() / "extended").glob("*.yaml"))]
SHIPPED = list(dict.fromkeys(SHIPPED))


def same(a, b) -> bool:
    """Equal data, types and the line of every entry."""
    if type(a) is not type(b):
        return False
    if isinstance(a, LineDict):
        return (a.line == b.line and a.key_lines == b.key_lines and list(a) == list(b)
                and all(same(a[k], b[k]) for k in a))
    if isinstance(a, LineList):
        return (a.line == b.line and a.item_lines == b.item_lines and len(a) == len(b)
                and all(same(x, y) for x, y in zip(a, b)))
    return a == b or (a != a and b != b)   # NaN


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(d))
    monkeypatch.delenv("GAZETTE_NO_CACHE", raising=False)
    return d


def uncached(path, monkeypatch):
    with monkeypatch.context() as m:
        m.setenv("GAZETTE_NO_CACHE", "1")
        return load_yaml(path)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_cached_load_is_the_same_as_a_parse(path, cache, monkeypatch):
    want, problems = uncached(path, monkeypatch)
    assert problems == [] and want
    assert not cache.exists()                       # GAZETTE_NO_CACHE wrote nothing
    first, p1 = load_yaml(path)                     # a miss: parsed, then written
    assert len(list(cache.glob("*.json"))) == 1
    second, p2 = load_yaml(path)                    # a hit
    assert p1 == p2 == []
    assert same(first, want) and same(second, want)
    assert second is not first                      # each load gets its own objects


def test_the_cache_is_read_not_the_file(cache, tmp_path):
    """Proof that a hit skips the parse: an entry written under the file's key is what comes back."""
    f = tmp_path / "u.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    load_yaml(f)
    entry = next(cache.glob("*.json"))
    key, enc = json.loads(entry.read_bytes())
    enc[4][0] = 2
    entry.write_text(json.dumps([key, enc]), encoding="utf-8")
    assert load_yaml(f)[0] == {"a": 2}


def test_an_edited_file_is_parsed_again(cache, tmp_path):
    f = tmp_path / "u.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml(f)[0] == {"a": 1}
    f.write_text("a: 2\n", encoding="utf-8")
    assert load_yaml(f)[0] == {"a": 2}
    assert len(list(cache.glob("*.json"))) == 2


@pytest.mark.parametrize("damage", [
    b"", b"{", b"not json at all", b"[]", b'["other key", [1, 1, ["a"], [1], [1]]]', b"\xff\xfe\x00",
    b"[KEY, [7, 1, [], [], []]]", b"[KEY, [1, 1, [\"a\", \"a\"], [1, 2], [1, 2]]]", b"[KEY, [1, 1, [[1]], [1], [1]]]",
    b"[KEY, [1, 1, [\"a\"], [1], []]]", b"[KEY, 5",
])
def test_a_damaged_entry_is_a_miss(damage, cache, monkeypatch):
    path = default_units_file()
    want, _ = uncached(path, monkeypatch)
    load_yaml(path)
    entry = next(cache.glob("*.json"))
    entry.write_bytes(damage.replace(b"KEY", json.dumps(entry.stem).encode()))
    got, problems = load_yaml(path)
    assert problems == [] and same(got, want)
    got, problems = load_yaml(path)                 # and the entry was written again, whole
    assert same(got, want) and json.loads(entry.read_bytes())[0] == entry.stem


def test_an_unusable_cache_directory_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(blocker / "cache"))   # cannot be made
    monkeypatch.delenv("GAZETTE_NO_CACHE", raising=False)
    want, _ = uncached(default_units_file(), monkeypatch)
    got, problems = load_yaml(default_units_file())
    assert problems == [] and same(got, want)
    if os.geteuid() != 0:                             # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        monkeypatch.setenv("GAZETTE_CACHE_DIR", str(ro))
        assert same(load_yaml(default_units_file())[0], want) and not list(ro.iterdir())


@pytest.mark.parametrize("text, message", [
    ("a: [1, 2\n", "YAML syntax"),
    ("a: 1\na: 2\n", "duplicate key"),
    ("a: !!python/object:os.system x\n", "is not allowed"),
    ("a:\n\t- 1\n", "tabs"),
    ("a: '\x01'\n", "U+0001"),
    ("a: &x [*x]\n", "recursive anchor"),
])
def test_a_bad_file_is_never_cached_and_says_the_same_each_time(text, message, cache, tmp_path, monkeypatch):
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    want = uncached(f, monkeypatch)
    assert want[0] is None and want[1] and message in str(want[1][0])
    assert load_yaml(f) == want and load_yaml(f) == want
    assert not list(cache.glob("*.json"))


@pytest.mark.parametrize("text", [
    "a: &x {b: 1}\nc: *x\n",          # an alias: the copy would no longer be the same object
    "a: 2001-12-14\n",                # a date: not JSON
    "a: !!set {x, y}\n",
    "a: !!binary aGVsbG8=\n",
    "? [1, 2]\n: x\n",                # an unhashable key, kept as text
])
def test_what_json_cannot_hold_is_loaded_as_ever(text, cache, tmp_path, monkeypatch):
    f = tmp_path / "odd.yaml"
    f.write_text(text, encoding="utf-8")
    want, problems = uncached(f, monkeypatch)
    assert problems == []
    got, _ = load_yaml(f)
    assert got == want and list(got) == list(want)
    got2, _ = load_yaml(f)
    assert got2 == want
    if "&x" in text:
        assert got2["a"] is got2["c"]


def test_scalars_survive_the_cache(cache, tmp_path, monkeypatch):
    f = tmp_path / "s.yaml"
    f.write_text("a: [1, 1.5, .nan, -.inf, true, null, '1', 123456789012345678901234567890, '', 0x1F, 1_000]\n"
                 "2: int key\ntrue: bool key\nnull: null key\n1.5: float key\n", encoding="utf-8")
    want, problems = uncached(f, monkeypatch)
    assert problems == [] and list(want) == ["a", 2, True, None, 1.5]
    load_yaml(f)
    got, _ = load_yaml(f)
    assert next(cache.glob("*.json"))
    assert same(got, want)
    assert [type(v) for v in got["a"]] == [type(v) for v in want["a"]]


def test_the_cache_directory(monkeypatch, tmp_path):
    for var in ("GAZETTE_CACHE_DIR", "GAZETTE_NO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert datafile.cache_dir() == tmp_path / ".cache" / "gazette"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert datafile.cache_dir() == tmp_path / "xdg" / "gazette"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert datafile.cache_dir() == tmp_path / ".cache" / "gazette"
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path / "mine"))
    assert datafile.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("GAZETTE_NO_CACHE", "0")
    assert datafile.cache_dir() == tmp_path / "mine"
    monkeypatch.setenv("GAZETTE_NO_CACHE", "1")
    assert datafile.cache_dir() is None


_LOAD = "from gazette_cli import load_rules; r = load_rules(packs=('extended',)); print(len(r.rules))"


def test_processes_filling_the_cache_at_once(cache):
    """Writers racing on the same entries each write a whole file and rename it over the name."""
    env = dict(os.environ, GAZETTE_CACHE_DIR=str(cache))
    env.pop("GAZETTE_NO_CACHE", None)
    procs = [subprocess.Popen([sys.executable, "-c", _LOAD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outs
    assert len({o for o, _ in outs}) == 1 and all(e == "" for _, e in outs)
    entries = sorted(p for p in cache.glob("*") if p.name != "patterns")
    assert len(entries) == len(SHIPPED)                  # no temporary file left behind
    assert not [p for p in (cache / "patterns").glob("*") if p.suffix != ".pickle"]   # the rules' patterns
    for e in entries:
        assert json.loads(e.read_bytes())[0] == e.stem
    again = subprocess.run([sys.executable, "-c", _LOAD], env=env, capture_output=True, text=True, cwd=ROOT)
    assert again.stdout == outs[0][0]


# -- what a one-file run imports ----------------------------------------------------------
HEAVY = ["pandas", "numpy", "pyarrow", "openpyxl", "duckdb", "sqlite3", "matplotlib", "dask", "distributed",
         "pypdfium2", "selectolax", "docx", "charset_normalizer", "rich", "concurrent.futures", "multiprocessing",
         "yaml", "opencc", "pydantic", "gazette_cli.store", "gazette_cli.frames"]

_RUN = """
import sys
sys.argv = ["gazette", "extract", sys.argv[1], "--format", "jsonl"]
from gazette_cli.cli import main
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_extracting_one_text_file_imports_no_heavy_module(cache):
    env = dict(os.environ, GAZETTE_CACHE_DIR=str(cache))
    env.pop("GAZETTE_NO_CACHE", None)
    for run in ("fills the cache", "reads it"):
        p = subprocess.run([sys.executable, "-c", _RUN, str(SAMPLE)], env=env, capture_output=True, text=True, cwd=ROOT)
        assert p.returncode == 0, p.stderr[-2000:]
        assert len(p.stdout.splitlines()) == 10
        loaded = set(p.stderr.split())
        heavy = HEAVY if run == "reads it" else [h for h in HEAVY if h not in ("yaml", "opencc")]
        assert not loaded & set(heavy), (run, loaded & set(heavy))


def test_the_library_api_is_all_there_lazily():
    p = subprocess.run([sys.executable, "-c", "import sys, gazette_cli as gz\n"
                        "print('gazette_cli.store' in sys.modules)\n"
                        "print([n for n in gz.__all__ if not hasattr(gz, n)])\n"
                        "print(gz.extract_frame.__module__, gz.Store.__module__, gz.check_rules.__module__,"
                        " gz.store.__name__)"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split("\n")[:3] == ["False", "[]", "gazette_cli.frames gazette_cli.store gazette_cli.checking "
                                                        "gazette_cli.store"]
    import gazette_cli
    with pytest.raises(AttributeError):
        gazette_cli.no_such_name   # noqa: B018


# -- parallel runs: the rules and scanner once per process, never once per file ----------------
def test_workers_load_the_rules_once_not_per_file(tmp_path, monkeypatch):
    import multiprocessing

    from gazette_cli import rules

    calls = tmp_path / "calls"
    real = rules.load_rules

    def counted(*a, **kw):
        with open(calls, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(*a, **kw)

    monkeypatch.setattr(rules, "load_rules", counted)
    task = batch.Task(packs=("extended",))          # a task of its own: no runner built before
    monkeypatch.delitem(batch._RUNNERS, task, raising=False)
    files = []
    for i in range(8):
        f = tmp_path / f"{i}.txt"
        f.write_bytes(SAMPLE.read_bytes())
        files.append(f)
    results = list(batch.run(batch.expand(files), task, jobs=2))
    counts = [len(r.records) for r in results]
    assert len(counts) == 8 and len(set(counts)) == 1 and counts[0] > 10   # the pack's rules add records
    pids = calls.read_text().split()
    if multiprocessing.get_start_method() == "fork":
        assert pids == [str(os.getpid())]          # built here once, inherited by the workers
    else:
        assert len(pids) <= 2                       # once in each worker
    batch._RUNNERS.pop(task, None)


def test_old_entries_are_pruned(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(datafile, "_CACHE_KEEP", 3)
    for i in range(6):
        f = tmp_path / f"{i}.yaml"
        f.write_text(f"a: {i}\n", encoding="utf-8")
        load_yaml(f)
        mtime = 1_000_000 + i
        for e in cache.glob("*.json"):          # the newest written last, whatever the clock's grain
            if json.loads(e.read_bytes())[1][4] == [i]:
                os.utime(e, (mtime, mtime))
    kept = sorted(json.loads(e.read_bytes())[1][4][0] for e in cache.glob("*.json"))
    assert kept == [3, 4, 5]


def test_a_runner_is_not_reused_for_other_rules():
    """Two rule sets with the same task in one process: each gets its own runner."""
    from gazette_cli.rules import load_rules
    task = batch.Task("extract")
    a, b = load_rules(), load_rules()
    try:
        assert batch.prepare(task, ruleset=a) is batch.prepare(task, ruleset=a)
        assert batch.prepare(task, ruleset=b).ruleset is b
        assert batch.prepare(task).ruleset is b          # none handed in: the one built last
    finally:
        batch._RUNNERS.pop(task, None)
