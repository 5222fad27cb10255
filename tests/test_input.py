"""Bad input never gives a traceback: a clear one-line message and a non-zero exit."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from gazette_cli import InputError, extract, quantities, read_issue
from gazette_cli.inputs.text import decode

from .conftest import SAMPLE

GAZETTE = [sys.executable, "-m", "gazette_cli.cli"]


def run(*args, cwd=None):
    return subprocess.run([*GAZETTE, *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("data,encoding", [
    ("满意率为100%".encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + "满意率为100%".encode("utf-8"), "utf-8-sig"),
    ("满意率为100%，育苗总量达9.97亿株".encode("gb18030"), "gb18030"),
    ("满意率为100%".encode("gbk"), "gb18030"),
    ("满意率为100%".encode("utf-16"), "utf-16"),
])
def test_encodings_are_detected(data, encoding):
    text, enc, warnings = decode(data)
    assert (text.lstrip("\ufeff"), enc, warnings) == ("满意率为100%" + ("，育苗总量达9.97亿株" if "育苗".encode("gb18030") in data else ""), encoding, [])


def test_stray_invalid_bytes_give_a_warning_and_the_rest_of_the_text():
    good = SAMPLE.read_bytes()
    cut = good.index(b"\n", 3000) + 1
    data = good[:cut] + b"\xff\xfe" + good[cut:]
    text, enc, warnings = decode(data, "x.txt")
    assert enc == "utf-8"
    assert len(warnings) == 1 and "2 invalid byte(s)" in warnings[0] and "x.txt" in warnings[0]
    assert "9.97" in text


def test_missing_file_is_a_one_line_error(tmp_path):
    p = run("extract", tmp_path / "nope.txt")
    assert p.returncode == 1
    assert p.stderr.strip() == f"gazette: {tmp_path / 'nope.txt'}: no such file"
    assert "Traceback" not in p.stderr


def test_binary_file_is_refused(tmp_path):
    f = tmp_path / "blob.bin"
    f.write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    with pytest.raises(InputError, match="binary file"):
        read_issue(f)
    p = run("quantities", f)
    assert p.returncode == 1 and "binary file" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_undecodable_file_is_refused(tmp_path):
    f = tmp_path / "noise.txt"
    f.write_bytes(bytes(range(128, 256)) * 50)
    p = run("extract", f)
    assert p.returncode == 1 and "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_one_bad_file_does_not_stop_the_batch(tmp_path):
    p = run("extract", tmp_path / "missing.txt", SAMPLE, "-f", "jsonl")
    assert p.returncode == 1
    assert len([l for l in p.stdout.splitlines() if l.startswith("{")]) == 10
    assert "missing.txt: no such file" in p.stderr


def test_empty_file_gives_an_empty_table(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert extract(f).records == []
    p = run("extract", f, "-f", "csv")
    assert p.returncode == 0 and p.stdout.splitlines()[0].startswith("file,line,column,metric")
    assert len(p.stdout.splitlines()) == 1


def test_multi_megabyte_line_without_newline(tmp_path):
    sentence = "全市完成造林 500万亩，育苗总量达9.97亿株，群众满意率为98%。"
    f = tmp_path / "long.txt"
    f.write_text(sentence * 60000, encoding="utf-8")   # ~2.4 MB, one line
    recs = extract(f).records
    assert len(recs) == 3 * 60000
    last = recs[-1]
    assert (last.line, last.column, last.value) == (1, len(sentence) * 59999 + sentence.index("98") + 1, 98)


def test_usage_error_exits_2():
    p = run("extract", SAMPLE, "--format", "xml")
    assert p.returncode == 2 and "unknown format" in p.stderr
    p = run("extract")
    assert p.returncode == 2


def test_output_file_is_written_whole(tmp_path):
    out = tmp_path / "m.json"
    p = run("extract", SAMPLE, "-o", out)
    assert p.returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == 10 and data[0]["metric"] == "seedling_count"
    assert [x.name for x in tmp_path.iterdir()] == ["m.json"]   # no temp file left behind


def test_output_into_missing_directory_fails_cleanly(tmp_path):
    p = run("extract", SAMPLE, "-o", tmp_path / "no" / "m.csv")
    assert p.returncode == 1 and "no such directory" in p.stderr and "Traceback" not in p.stderr
