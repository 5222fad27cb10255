"""Issue 11, the output and option rows: where `-o` writes, what it refuses, what the cells
hold, and the data-file limits. Each test is a table over a class of inputs."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gazette_cli import check_rules, export
from gazette_cli.cli import app
from gazette_cli.datafile import MAX_BYTES, load_yaml

from .conftest import SAMPLE

runner = CliRunner()
SEED = SAMPLE.read_text(encoding="utf-8")
ONE = "育苗总量达9.97亿株，发放贷款5亿元。\n"          # two quantities, one metric each


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def run(*args, env=None, timeout=60, cwd=None):
    """The real entry point (main()) in a subprocess: signals, stream encodings, exit codes."""
    return subprocess.run([sys.executable, "-m", "gazette_cli.cli", *map(str, args)], capture_output=True,
                          timeout=timeout, env={**os.environ, **(env or {})}, cwd=cwd)


@pytest.fixture
def issue(tmp_path):
    p = tmp_path / "issue.txt"
    p.write_text(ONE, encoding="utf-8")
    return p


def no_temp_files(d: Path) -> bool:
    return not [p for p in d.iterdir() if p.name.endswith(".tmp")]


# --- rows 3 and 12: special targets are written through; files keep their mode ---------

def _devnull(tmp_path):
    return Path("/dev/null"), None


def _fifo(tmp_path):
    p = tmp_path / "pipe"
    os.mkfifo(p)
    got = []

    def reader():
        with open(p, "rb") as fh:
            got.append(fh.read())

    threading.Thread(target=reader, daemon=True).start()
    return p, got


def _symlink(tmp_path):
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("real.csv")
    return tmp_path / "link.csv", None


def _dangling_symlink(tmp_path):
    (tmp_path / "link.csv").symlink_to("made.csv")
    return tmp_path / "link.csv", None


def _symlink_chain(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "real.csv").write_text("old\n")
    (tmp_path / "a.csv").symlink_to("sub/real.csv")
    (tmp_path / "b.csv").symlink_to("a.csv")
    return tmp_path / "b.csv", None


@pytest.mark.parametrize("make,kind_after,content_at", [
    (_devnull, stat.S_ISCHR, None),
    (_fifo, stat.S_ISFIFO, "pipe"),
    (_symlink, stat.S_ISLNK, "real.csv"),
    (_dangling_symlink, stat.S_ISLNK, "made.csv"),
    (_symlink_chain, stat.S_ISLNK, "sub/real.csv"),
], ids=["/dev/null", "fifo", "symlink", "dangling symlink", "symlink chain"])
def test_special_targets_are_written_through_not_replaced(tmp_path, issue, make, kind_after, content_at):
    target, got = make(tmp_path)
    r = invoke("extract", issue, "-f", "csv", "-o", target)
    assert r.exit_code == 0, r.output
    assert kind_after(os.lstat(target).st_mode)            # still a device / FIFO / link
    if got is not None:                                     # the FIFO's reader got the CSV
        for _ in range(100):
            if got:
                break
            threading.Event().wait(0.05)
        assert b"seedling_count" in got[0]
    elif content_at:                                        # the link's target holds the CSV
        assert "seedling_count" in (tmp_path / content_at).read_text(encoding="utf-8")
    assert no_temp_files(tmp_path)


@pytest.mark.parametrize("target", ["/dev/stdout", "/dev/fd/1"])
@pytest.mark.parametrize("stdout_is", ["pipe", "file appended to"])
def test_dev_stdout_writes_to_what_the_shell_opened(tmp_path, issue, target, stdout_is):
    if stdout_is == "pipe":
        p = run("extract", issue, "-f", "csv", "-o", target)
        assert p.returncode == 0 and p.stdout.startswith(b"file,line,column")
        return
    log = tmp_path / "log.csv"
    log.write_bytes(b"prefix\n")
    with open(log, "ab") as fh:
        p = subprocess.run([sys.executable, "-m", "gazette_cli.cli", "extract", str(issue), "-f", "csv", "-o", target],
                           stdout=fh, stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, p.stderr
    assert log.read_bytes().startswith(b"prefix\nfile,line,column") and no_temp_files(tmp_path)


@pytest.mark.parametrize("existing_mode,umask,expected", [
    (0o664, 0o022, 0o664),
    (0o600, 0o022, 0o600),
    (0o640, 0o077, 0o640),
    (0o666, 0o000, 0o666),
    (None, 0o022, 0o644),
    (None, 0o077, 0o600),
    (None, 0o002, 0o664),
])
def test_an_existing_file_keeps_its_mode_a_new_one_follows_the_umask(tmp_path, issue, existing_mode, umask, expected):
    out = tmp_path / "m.csv"
    if existing_mode is not None:
        out.write_text("old\n")
        os.chmod(out, existing_mode)
    old = os.umask(umask)
    try:
        r = invoke("extract", issue, "-o", out)
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(os.stat(out).st_mode) == expected
    assert "seedling_count" in out.read_text(encoding="utf-8")


# --- row 4: the output is one of the inputs ---------------------------------------------

@pytest.mark.parametrize("name_it", [
    lambda d: (["issue.txt"], "issue.txt"),
    lambda d: (["issue.txt"], "./issue.txt"),
    lambda d: (["issue.txt"], str(d / "issue.txt")),
    lambda d: (["issue.txt"], "sub/../issue.txt"),
    lambda d: (["issue.txt"], "link.txt"),                  # a symlink to the input
    lambda d: (["issue.txt"], "hard.txt"),                  # a hard link to the input
    lambda d: (["linkdir/issue.txt"], "issue.txt"),         # the input named through a linked directory
    lambda d: (["."], "issue.txt"),                         # found by the directory scan
    lambda d: (["other.txt", "issue.txt"], "issue.txt"),    # the second of several
], ids=["same", "./", "absolute", "sub/..", "symlink", "hard link", "via dir link", "in a scanned dir", "second"])
@pytest.mark.parametrize("command", ["extract", "quantities", "explain"])
def test_the_output_may_not_be_an_input(tmp_path, issue, monkeypatch, name_it, command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "other.txt").write_text(ONE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("issue.txt")
    os.link(issue, tmp_path / "hard.txt")
    (tmp_path / "linkdir").symlink_to(".")
    inputs, out = name_it(tmp_path)
    r = invoke(command, *inputs, "-f", "csv", "-o", out)
    assert r.exit_code == 2 and "is one of the inputs" in r.output
    assert issue.read_text(encoding="utf-8") == ONE


def test_a_missing_path_component_does_not_alias_an_input(tmp_path, issue, monkeypatch):
    # `missing/..` is not the current directory to the system, although it reads like one.
    monkeypatch.chdir(tmp_path)
    r = invoke("extract", "issue.txt", "-f", "csv", "-o", "missing/../issue.txt")
    assert r.exit_code == 1 and "no such directory" in r.output
    assert issue.read_text(encoding="utf-8") == ONE


# --- row 14: the temporary name fits wherever the target's name fits --------------------

@pytest.mark.parametrize("name", [
    "a" * 246 + ".csv",             # 250 bytes
    "a" * 251 + ".csv",             # 255 bytes, NAME_MAX itself
    "中" * 80 + ".csv",             # 244 bytes
    "中" * 83 + ".csv",             # 253 bytes
    "ab" + "中" * 82 + ".csv",      # the cut falls inside a character
    "x.csv",
])
def test_long_output_names(tmp_path, issue, name):
    r = invoke("extract", issue, "-o", tmp_path / name)
    assert r.exit_code == 0, r.output
    assert "seedling_count" in (tmp_path / name).read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["issue.txt", name])


# --- row 17: a name ending in / is a directory -----------------------------------------

@pytest.mark.parametrize("out,message", [
    ("outs/newdir/", "no such directory"),
    ("newdir/", "no such directory"),
    ("outs/", "is a directory"),
    ("outs", "is a directory"),
    ("outs/missing/m.csv", "no such directory"),
    ("file.csv/", "no such directory"),
])
def test_output_names_that_are_not_files(tmp_path, issue, monkeypatch, out, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outs").mkdir()
    (tmp_path / "file.csv").write_text("keep\n")
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    r = invoke("extract", "issue.txt", "-f", "csv", "-o", out)
    assert r.exit_code == 1 and message in r.output and r.output.count("\n") == 1, r.output
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "file.csv").read_text() == "keep\n"


# --- row 18: suffixes, gzip, and the unknown ------------------------------------------

@pytest.mark.parametrize("name,fmt", [
    ("m.csv", "csv"), ("M.CSV", "csv"), ("m.tsv", "tsv"), ("m.json", "json"), ("m.jsonl", "jsonl"),
    ("m.ndjson", "jsonl"), ("m.md", "markdown"), ("m.parquet", "parquet"), ("m.xlsx", "xlsx"),
    ("m.csv.gz", "csv"), ("m.jsonl.gz", "jsonl"), ("m.MD.GZ", "markdown"), ("dir.v2/m.json", "json"),
    ("/dev/null", "csv"), ("results", "csv"), (".hidden", "csv"),
])
def test_the_suffix_names_the_format(name, fmt):
    assert export.format_for(name, None) == fmt


@pytest.mark.parametrize("name", ["m.xyz", "m.txt", "m.gz", "m.csv.bz2", "m.xls", "report.2024"])
def test_an_unknown_suffix_is_a_usage_error_listing_the_known(tmp_path, issue, name):
    r = invoke("extract", issue, "-o", tmp_path / name)
    assert r.exit_code == 2
    assert all(s in r.output for s in (".csv", ".jsonl", ".xlsx", ".parquet", ".csv.gz", "--format"))
    assert not (tmp_path / name).exists()
    r = invoke("extract", issue, "-f", "jsonl", "-o", tmp_path / name)   # an explicit format wins
    assert r.exit_code == 0
    data = (tmp_path / name).read_bytes()
    data = gzip.decompress(data) if name.endswith(".gz") else data
    assert json.loads(data.decode().splitlines()[0])["metric"] == "seedling_count"


@pytest.mark.parametrize("name,parse", [
    ("m.csv.gz", lambda t: [r["metric"] for r in csv.DictReader(io.StringIO(t))]),
    ("m.tsv.gz", lambda t: [r["metric"] for r in csv.DictReader(io.StringIO(t), delimiter="\t")]),
    ("m.jsonl.gz", lambda t: [json.loads(l)["metric"] for l in t.splitlines()]),
    ("m.json.gz", lambda t: [r["metric"] for r in json.loads(t)]),
])
def test_gz_is_gzip_of_the_inner_format(tmp_path, issue, name, parse):
    r = invoke("extract", issue, "-o", tmp_path / name)
    assert r.exit_code == 0, r.output
    raw = (tmp_path / name).read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert parse(gzip.decompress(raw).decode("utf-8")) == ["seedling_count", "loan_amount"]


# --- rows 2 and 19: xlsx and parquet hold the cells CSV shows ---------------------------

BIG = [
    # value column                                   parquet type  a value_text column
    ([997000000, 5, None],                           "int64",      False),
    ([9007199254740993, None],                       "int64",      False),   # 2**53 + 1: exact
    ([2 ** 63 - 1, -(2 ** 63)],                      "int64",      False),
    ([2 ** 63, 1],                                   "double",     False),   # beyond int64, exact as float
    ([2 ** 63 + 1, 1],                               "double",     True),    # beyond int64, not as float
    ([10 ** 308, 1],                                 "double",     True),    # 1e308元
    ([10 ** 400],                                    "double",     True),    # beyond float64: inf + text
    ([85.5, 1],                                      "double",     False),   # exact as float
    ([85.5, 9007199254740993],                       "double",     True),
    ([],                                             "int64",      False),
]


def _csv_cells(records, cols):
    return list(csv.reader(io.StringIO(export.render_text(records, "csv", cols))))[1:]


COLS = ["file", "line", "column", "value", "unit", "also_matched", "text"]


def _records(values):
    return [{"file": "a.txt", "line": i + 1, "column": 1, "value": v, "unit": "元",
             "also_matched": ["loan_amount.near", "funds.near"] if i == 0 else [], "text": "=1+1"}
            for i, v in enumerate(values)]


@pytest.mark.parametrize("values,arrow_type,has_text", BIG)
def test_parquet_stores_every_value_and_its_exact_text(values, arrow_type, has_text):
    pq = pytest.importorskip("pyarrow.parquet")
    cols, recs = COLS, _records(values)
    table = pq.read_table(io.BytesIO(export.render_bytes(recs, "parquet", cols)))
    assert str(table.schema.field("value").type) == arrow_type
    assert ("value_text" in table.column_names) == has_text
    got = table.to_pylist()
    for rec, row, cells in zip(recs, got, _csv_cells(recs, cols)):
        if has_text:
            assert (row["value_text"] or "") == cells[3]                  # the CSV cell, exactly
        else:
            assert row["value"] == rec["value"]                           # exact as stored
        assert row["also_matched"] == cells[5]                            # a list as CSV shows it
        if rec["value"] is not None and arrow_type == "double":           # the number, for arithmetic
            assert row["value"] == (float(rec["value"]) if rec["value"] < 2 ** 1024 else float("inf"))


@pytest.mark.parametrize("values,arrow_type,has_text", BIG)
def test_xlsx_cells_are_the_csv_cells(values, arrow_type, has_text):
    openpyxl = pytest.importorskip("openpyxl")
    cols, recs = COLS, _records(values)
    wb = openpyxl.load_workbook(io.BytesIO(export.render_bytes(recs, "xlsx", cols)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == cols
    for row, cells in zip(rows[1:], _csv_cells(recs, cols)):
        assert ["" if v is None else str(v) for v in row] == cells
        v = row[3]
        assert v is None or isinstance(v, str) or abs(v) <= 2 ** 53   # beyond, Excel would round


@pytest.mark.parametrize("text,cell", [
    ("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"),   # text, never a formula
    ("a\x01b\x1fc", "a\\x01b\\x1fc"),             # XML cannot hold control characters
    ("tab\tand\nnewline", "tab\tand\nnewline"),
    ("x" * 40000, "x" * 32766 + "…"),             # Excel's limit per cell
])
def test_xlsx_text_that_excel_would_misread(text, cell):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(io.BytesIO(export.render_bytes([{"text": text}], "xlsx", ["text"])))
    c = wb.active.cell(row=2, column=1)
    assert c.value == cell and c.data_type == "s"


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_huge_values_from_the_command_line(tmp_path, fmt):
    # 10^40: beyond int64 and float precision, within the numbers gazette reads (< 10^50)
    pytest.importorskip("pyarrow" if fmt == "parquet" else "openpyxl")
    src = tmp_path / "h.txt"
    src.write_text("贷款1e40元\n贷款9007199254740993元\n", encoding="utf-8")
    out = tmp_path / f"h.{fmt}"
    r = invoke("quantities", src, "-o", out)
    assert r.exit_code == 0, r.output
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
        assert [r["value_text"] for r in rows] == ["1" + "0" * 40, "9007199254740993"]
    else:
        import openpyxl

        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
        assert [r[rows[0].index("value")] for r in rows[1:]] == ["1" + "0" * 40, "9007199254740993"]


def test_explain_lists_are_csv_text_in_every_format(tmp_path):
    pytest.importorskip("pyarrow")
    pytest.importorskip("openpyxl")
    import openpyxl
    import pyarrow.parquet as pq

    src = tmp_path / "am.txt"
    src.write_text("发放创业担保贷款资金5亿元，育苗5亿株。\n", encoding="utf-8")
    for fmt in ("csv", "parquet", "xlsx"):
        r = invoke("explain", "--pack", "extended", src, "-o", tmp_path / f"x.{fmt}")
        assert r.exit_code == 0, r.output
    expected = [row["also_matched"] for row in csv.DictReader(open(tmp_path / "x.csv", encoding="utf-8"))]
    assert expected == ["public_funds.near", ""]
    assert [r["also_matched"] for r in pq.read_table(tmp_path / "x.parquet").to_pylist()] == expected
    rows = list(openpyxl.load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True))
    i = rows[0].index("also_matched")
    assert [r[i] or "" for r in rows[1:]] == expected


# --- row 16: standard output that cannot encode Chinese ---------------------------------

@pytest.mark.parametrize("encoding,fmt,expect", [
    ("ascii", "csv", "9.97亿株"), ("ascii", "jsonl", "9.97亿株"), ("ascii", "table", "9.97亿株"),
    ("latin-1", "table", "9.97亿株"), ("cp1252:strict", "csv", "9.97亿株"),
])
def test_a_narrow_stdout_encoding_gets_utf8(issue, encoding, fmt, expect):
    p = run("extract", issue, "-f", fmt, env={"PYTHONIOENCODING": encoding})
    assert p.returncode == 0 and b"Traceback" not in p.stderr, p.stderr
    assert expect in p.stdout.decode("utf-8")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_narrow_stderr_encoding_still_names_a_chinese_file(tmp_path, encoding):
    p = run("extract", tmp_path / "缺失的文件.txt", env={"PYTHONIOENCODING": encoding})
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    assert "缺失的文件.txt" in p.stderr.decode("utf-8") and p.stderr.count(b"\n") == 1


def test_undecodable_bytes_in_a_file_name_are_shown_escaped(tmp_path):
    name = os.fsdecode(b"issue-\xff.txt")
    (tmp_path / name).write_text(ONE, encoding="utf-8")
    r = invoke("extract", tmp_path / name, "-f", "csv")
    shown = str(tmp_path / "issue-\\xff.txt")
    assert r.exit_code == 0 and shown in r.stdout
    assert invoke("extract", tmp_path / name).exit_code == 0      # the table too
    read = {"csv": lambda p: [r["file"] for r in csv.DictReader(open(p, encoding="utf-8"))],
            "jsonl": lambda p: [json.loads(l)["file"] for l in p.read_text(encoding="utf-8").splitlines()],
            "json": lambda p: [r["file"] for r in json.loads(p.read_text(encoding="utf-8"))],
            "parquet": lambda p: [r["file"] for r in __import__("pyarrow.parquet").parquet.read_table(p).to_pylist()],
            "xlsx": lambda p: [r[0] for r in list(__import__("openpyxl").load_workbook(p).active.iter_rows(values_only=True))[1:]]}
    for fmt, cells in read.items():
        out = tmp_path / f"o.{fmt}"
        r = invoke("extract", tmp_path / name, "-o", out)
        assert r.exit_code == 0, (fmt, r.output)
        assert cells(out) == [shown, shown], fmt


# --- row 13: SIGTERM and SIGHUP clean up like Ctrl-C -----------------------------------

SIGNAL_AT_WRITE = """
import os, signal, sys, time
import gazette_cli.output as out
from gazette_cli.cli import main
sig = getattr(signal, sys.argv[1])
real_fsync = out.os.fsync
def fsync(fd):               # the temporary file exists, holds the data, is not renamed yet
    os.kill(os.getpid(), sig)
    time.sleep(30)
    real_fsync(fd)
out.os.fsync = fsync
sys.argv = ["gazette"] + sys.argv[2:]
main()
"""


@pytest.mark.parametrize("signame,message,suffix", [
    ("SIGTERM", "stopped by signal 15", "csv"), ("SIGHUP", "stopped by signal 1", "csv"),
    ("SIGINT", "interrupted", "csv"), ("SIGTERM", "stopped by signal 15", "xlsx")])
def test_a_signal_while_writing_leaves_no_temp_file_and_the_old_output(tmp_path, issue, signame, message, suffix):
    pytest.importorskip("openpyxl")
    script = tmp_path / "sig.py"
    script.write_text(SIGNAL_AT_WRITE)
    out = tmp_path / f"old.{suffix}"
    out.write_bytes(b"old output")
    p = subprocess.run([sys.executable, script, signame, "extract", issue, "-o", out],
                       capture_output=True, timeout=60)
    import signal

    assert p.returncode == -getattr(signal, signame), p.stderr     # ended by that signal: the shell shows 128+n
    assert p.stderr.decode().strip() == f"gazette: {message}"
    assert out.read_bytes() == b"old output"
    assert no_temp_files(tmp_path)


# --- row 5: YAML alias bombs, recursion, size ------------------------------------------

def _bomb(levels=8, key="x"):
    lines = [f'{key}0: &{key}0 ["贷款","贷款","贷款","贷款","贷款","贷款","贷款","贷款","贷款","贷款"]']
    lines += [f"{key}{i}: &{key}{i} [" + ",".join([f"*{key}{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


RULE = """rules:
  - id: bomb.near
    metric: loan_amount
    unit: 元
    keywords: {kw}
"""

HOSTILE_YAML = [
    ("bomb in keywords", _bomb() + RULE.format(kw="*x7"), "alias bomb"),
    ("bomb at the top", _bomb(9), "alias bomb"),
    ("bomb in a flow mapping", "a: &a {k: [1,2,3,4,5,6,7,8,9,10]}\n" + "".join(
        f"b{i}: &b{i} [" + ",".join(["*" + ("a" if i == 0 else f"b{i - 1}")] * 10) + "]\n" for i in range(7)), "alias bomb"),
    ("recursive anchor", "a: &a [1, *a]\n", "contains itself"),
    ("recursive mapping", "a: &a {k: *a}\n", "contains itself"),
    ("nested too deeply", "k: " + "[" * 1500 + "]" * 1500 + "\n", "nested too deeply"),
    ("too big", "# " + "x" * MAX_BYTES + "\n", "too big"),
    ("control character", "rules:\n  - id: a\x08b\n", ":2: YAML syntax: the character U+0008 is not allowed"),
    ("NUL", "rules: []\n\x00\n", ":2: YAML syntax: the character U+0000 is not allowed"),
]


@pytest.mark.parametrize("case,text,message", HOSTILE_YAML, ids=[c for c, _, _ in HOSTILE_YAML])
def test_hostile_yaml_is_one_problem(tmp_path, case, text, message):
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    data, problems = load_yaml(p)
    assert data is None and len(problems) == 1 and message in str(problems[0]) and "\n" not in str(problems[0])
    assert len(check_rules([p], default=False)) == 1


@pytest.mark.parametrize("text,message,command", [
    (HOSTILE_YAML[0][1], "alias bomb", ["rules", "check", "--no-default-rules"]),
    (HOSTILE_YAML[0][1], "alias bomb", ["extract", SAMPLE, "-f", "csv", "-r"]),
    (HOSTILE_YAML[1][1], "alias bomb", ["explain", SAMPLE, "-f", "csv", "-r"]),
    (HOSTILE_YAML[3][1], "contains itself", ["rules", "check", "--no-default-rules"]),
], ids=["check keywords bomb", "extract keywords bomb", "explain top bomb", "check recursive"])
def test_hostile_rules_files_on_the_command_line(tmp_path, text, message, command):
    p = tmp_path / "r.yaml"
    p.write_text(text, encoding="utf-8")
    proc = run(*command, p, timeout=60)                      # a regression hangs here, and fails
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    out = (proc.stdout + proc.stderr).decode()
    assert message in out and len(out.splitlines()) == 2, out   # the problem, and the count


def test_an_alias_bomb_as_the_units_file(tmp_path):
    p = tmp_path / "units.yaml"
    p.write_text(_bomb(9), encoding="utf-8")
    code = ("import sys\nfrom gazette_cli import load_units, DataFileError\n"
            f"try:\n    load_units({str(p)!r})\nexcept DataFileError as e:\n    print(e); sys.exit(1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "alias bomb" in proc.stdout and proc.stdout.count("\n") == 1


def test_ordinary_anchors_still_work(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("metrics:\n  loan_amount: {unit: 元}\nrules:\n"
                 "  - id: a.near\n    metric: loan_amount\n    unit: 元\n    keywords: &kw [贷款, 借款]\n"
                 "    examples: [{text: 发放贷款5亿元, value: 500000000}]\n"
                 "  - id: b.near\n    metric: loan_amount\n    unit: 元\n    keywords: *kw\n", encoding="utf-8")
    assert check_rules([p], default=False) == []


# --- row 21: normalize's formats, --version, non-finite example values -----------------

@pytest.mark.parametrize("command", [["normalize", "9.97亿株"], ["rules", "list"]])
@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_binary_formats_ask_for_an_output_the_command_has(tmp_path, command, fmt):
    r = invoke(*command, "-f", fmt)
    assert r.exit_code == 2 and "--output" in r.output
    r = invoke(*command, "--help")
    assert "--output" in r.output
    out = tmp_path / f"o.{fmt}"
    r = invoke(*command, "-o", out)
    assert r.exit_code == 0 and out.stat().st_size > 0


@pytest.mark.parametrize("suffix,check", [
    ("json", lambda p: json.loads(p.read_text(encoding="utf-8"))[0]["value"] == 997000000),
    ("csv", lambda p: "997000000" in p.read_text(encoding="utf-8")),
])
def test_normalize_writes_a_file(tmp_path, suffix, check):
    out = tmp_path / f"n.{suffix}"
    assert invoke("normalize", "9.97亿株", "-o", out).exit_code == 0 and check(out)


def test_version():
    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"gazette {version('gazette')}"


@pytest.mark.parametrize("field,written", [
    ("value", ".nan"), ("value", ".NaN"), ("value", ".inf"), ("value", "-.inf"), ("value", "+.Inf"),
    ("min", ".nan"), ("max", ".inf"),
])
def test_a_non_finite_example_value_is_a_problem(tmp_path, field, written):
    p = tmp_path / "r.yaml"
    p.write_text("metrics:\n  loan_amount: {unit: 元}\nrules:\n  - id: a.near\n    metric: loan_amount\n"
                 f"    unit: 元\n    keywords: [贷款]\n    examples:\n      - {{text: 发放贷款5亿元, {field}: {written}}}\n",
                 encoding="utf-8")
    problems = [str(x) for x in check_rules([p], default=False)]
    assert problems and problems[0].startswith(f"{p}:9: a.near: example: {field} must be a finite number")
