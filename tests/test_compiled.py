"""The disk cache of compiled patterns (gazette_cli/compiled.py): a hit gives the same
pattern, and nothing about the cache can break a run."""
import os
import pickle
import subprocess
import sys

import pytest
import regex

from gazette_cli import compiled

SOURCE = r"(?P<n>[一二三]+|\d+)\L<units>"
LISTS = {"units": ["万元", "元", "亩"]}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GAZETTE_NO_CACHE", raising=False)
    return tmp_path / "patterns"


def _load(path):
    raw = path.read_bytes()
    return pickle.loads(raw[len(compiled._MAGIC) + 32:])


def _files(cache):
    return sorted(cache.glob("*.pickle")) if cache.exists() else []


def test_a_miss_stores_the_pattern_and_a_hit_reads_it_back(cache):
    first = compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    assert len(_files(cache)) == 1
    again = compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    assert again.pattern == SOURCE and again.match("三万元").group(0) == "三万元"
    assert again.match("12亩").group("n") == "12" and first.match("12亩").span() == again.match("12亩").span()


@pytest.mark.parametrize("change", [
    {"source": SOURCE + "x"},
    {"flags": regex.V1},
    {"lists": {"units": ["元"]}},
])
def test_anything_that_decides_the_pattern_is_in_the_key(cache, change):
    compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    p = compiled.compile_pattern(change.get("source", SOURCE), change.get("flags", regex.V0),
                                 **change.get("lists", LISTS))
    assert len(_files(cache)) == 2
    assert p.pattern == change.get("source", SOURCE)


@pytest.mark.parametrize("content", [b"", b"\x80\x04garbage", pickle.dumps("not a pattern"),
                                     pickle.dumps(regex.compile("other")),
                                     # a planted pickle that would run a command
                                     b"cos\nsystem\n(S'echo hacked'\ntR."])
def test_a_bad_cache_file_is_a_miss_and_is_replaced(cache, content):
    compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    (path,) = _files(cache)
    path.write_bytes(content)
    p = compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    assert p.match("三万元").group(0) == "三万元"
    assert _load(path).pattern == SOURCE   # written anew


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(blocker / "sub"))   # cannot be created
    assert compiled.compile_pattern(SOURCE, regex.V0, **LISTS).match("12亩")


def test_no_cache_when_turned_off(cache, monkeypatch):
    monkeypatch.setenv("GAZETTE_NO_CACHE", "1")
    compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    assert _files(cache) == []


def test_the_scanner_patterns_are_the_same_in_every_process(tmp_path):
    """The source is the key: it must not depend on the order of a set (hash seeds differ
    between processes), or every run would miss."""
    code = ("import hashlib; from gazette_cli.units import load_units; from gazette_cli.quantities import Scanner;"
            "s = Scanner(load_units());"
            "print(hashlib.sha256((s.grammar.ranged.pattern + s.grammar.others.pattern + s.grammar.candidates.pattern).encode()).hexdigest())")
    env = dict(os.environ, GAZETTE_NO_CACHE="1")
    digests = {subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONHASHSEED": seed}, capture_output=True,
                              text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1


def test_old_patterns_are_pruned(cache, monkeypatch):
    monkeypatch.setattr(compiled, "_KEEP", 3)
    for i in range(6):
        compiled.compile_pattern(f"{i}元", regex.V0)
    assert len(_files(cache)) == 3
    compiled.compile_pattern("5元", regex.V0)   # the newest is still there: a hit, nothing written
    assert len(_files(cache)) == 3


def test_a_damaged_pattern_is_never_handed_to_regex(cache):
    """regex trusts compiled code (a flipped byte in it can crash the process): the checksum
    turns any damage into a miss."""
    compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    (path,) = _files(cache)
    raw = bytearray(path.read_bytes())
    for at in range(len(compiled._MAGIC) + 32, len(raw), 7):
        raw[at] ^= 1
    path.write_bytes(bytes(raw))
    assert compiled.compile_pattern(SOURCE, regex.V0, **LISTS).match("三万元").group(0) == "三万元"


def test_a_folder_others_can_write_to_is_not_used(cache):
    compiled.compile_pattern(SOURCE, regex.V0, **LISTS)
    cache.chmod(0o777)
    try:
        (path,) = _files(cache)
        path.write_bytes(b"planted")
        assert compiled.compile_pattern(SOURCE, regex.V0, **LISTS).match("12亩")
        assert path.read_bytes() == b"planted"    # neither read nor written
    finally:
        cache.chmod(0o700)


def test_the_rules_patterns_are_read_from_the_cache(cache, monkeypatch):
    """A warm start compiles none of the rules' patterns: they come from the disk cache,
    the same patterns a compile gives."""
    from gazette_cli.rules import load_rules
    first = load_rules(packs=("extended",))
    compiled_now = []
    real = regex.compile
    monkeypatch.setattr(regex, "compile", lambda *a, **k: compiled_now.append(a[0]) or real(*a, **k))
    second = load_rules(packs=("extended",))
    patterns = lambda rs: [p.pattern for r in rs.rules for p in (*r.patterns, *r.unless) if p is not None]  # noqa: E731
    assert len(patterns(first)) >= 12 and patterns(second) == patterns(first)
    assert compiled_now == []
    assert len(_files(cache)) >= len(set(patterns(first)))
