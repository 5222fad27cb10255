"""Issue 8: PDF, web pages, Word files, more encodings, and many files at once."""
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gazette_cli import InputError, batch, extract_text, load_rules
from gazette_cli.inputs import read_bytes, read_issue
from gazette_cli.inputs.text import decode

from .conftest import ROOT, SAMPLE

GAZETTE = [sys.executable, "-m", "gazette_cli.cli"]
PDF = ROOT / "samples" / "000_325790cf70597617.pdf"
KEY = ("metric", "value", "unit", "qualifier")
TEXT = SAMPLE.read_text(encoding="utf-8")
PARAS = [p.replace("\n", "") for p in re.split(r"\n\s*\n", TEXT) if p.strip()]


def run(*args, stdin=None):
    return subprocess.run([*GAZETTE, *map(str, args)], capture_output=True, text=True, input=stdin)


def metrics(records):
    return [tuple((r if isinstance(r, dict) else r.as_dict())[k] for k in KEY) for r in records]


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


@pytest.fixture(scope="module")
def expected(ruleset):
    return metrics(extract_text(TEXT, ruleset=ruleset))


def html_page(charset="gbk"):
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    return (f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>旗报</title></head><body>"
            f"<nav>贷款1000万元 首页</nav><div class='content'>{body}</div>"
            f"<footer>造林500万亩</footer><script>var s = '贷款1000万元';</script></body></html>")


def docx_bytes(tmp_path):
    import docx
    d = docx.Document()
    for p in PARAS:
        d.add_paragraph(p)
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "全旗苗木", "9.97亿株"
    f = tmp_path / "w.docx"
    d.save(f)
    return f.read_bytes()


def scan_pdf(tmp_path):
    """A PDF whose page is only an image: a scan without a text layer."""
    from fpdf import FPDF
    png = _png(8, 8)
    (tmp_path / "img.png").write_bytes(png)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(tmp_path / "img.png"), x=10, y=10, w=100)
    return bytes(pdf.output())


def _png(w, h):
    import struct, zlib
    raw = b"".join(b"\x00" + b"\x80" * w for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def encrypted_pdf():
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_encryption(owner_password="o", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="1000")
    return bytes(pdf.output())


# --- PDF ------------------------------------------------------------------------------

def test_two_column_pdf_gives_the_sample_metrics(ruleset, expected):
    issue = read_issue(PDF)
    assert issue.format == "pdf" and len(issue.page_starts) == 5
    assert len(expected) == 10
    assert metrics(extract_text(issue.text, ruleset=ruleset)) == expected


def test_pdf_records_carry_page_and_line_within_it():
    res = batch.process(str(PDF), batch.Task())
    assert res.ok and len(res.records) == 10
    issue = read_issue(PDF)
    pages = issue.text.split("\n")
    for r in res.records:
        assert list(r)[:4] == ["file", "page", "line", "column"]
        line = pages[issue.page_starts[r["page"] - 1] - 1 + r["line"] - 1]
        assert line[r["column"] - 1:].startswith(r["text"].lstrip("最高超").split()[0][:2]), (r, line)
    first = res.records[0]
    assert (first["page"], first["metric"], first["value"]) == (3, "seedling_count", 997000000)


def test_pdf_sample_is_made_by_its_script(tmp_path):
    """The committed PDF is what samples/make_pdf.py makes (when its fonts are installed)."""
    script = ROOT / "samples" / "make_pdf.py"
    fonts = [Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
             Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    if not all(f.exists() for f in fonts):
        pytest.skip("fonts-droid-fallback / fonts-dejavu-core not installed")
    out = tmp_path / "x.pdf"
    p = subprocess.run([sys.executable, script, "--out", out], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert out.read_bytes() == PDF.read_bytes()


@pytest.mark.parametrize("make,message", [
    (lambda tmp: PDF.read_bytes()[:5000], "corrupt or truncated PDF"),
    (lambda tmp: b"%PDF-1.4\n" + bytes(range(256)) * 40, "corrupt or truncated PDF"),
    (lambda tmp: encrypted_pdf(), "encrypted PDF"),
    (scan_pdf, "no text layer (a scan?); run OCR"),
])
def test_broken_pdfs_give_one_line(tmp_path, make, message):
    f = tmp_path / "bad.pdf"
    f.write_bytes(make(tmp_path))
    with pytest.raises(InputError, match=re.escape(message)):
        read_issue(f)
    p = run("extract", f, "-f", "jsonl")
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.strip().splitlines() == [p.stderr.strip()] and message in p.stderr and str(f) in p.stderr


# --- web pages and Word files -----------------------------------------------------------

def test_html_article_without_navigation_scripts_or_footer(ruleset, expected):
    issue = read_bytes(html_page().encode("gb18030"), "page.html")
    assert (issue.format, issue.encoding, issue.warnings) == ("html", "gb18030", [])
    assert "首页" not in issue.text and "var s" not in issue.text and "造林500万亩" not in issue.text
    assert metrics(extract_text(issue.text, ruleset=ruleset)) == expected


def test_html_with_a_wrong_charset_is_read_with_a_warning(ruleset, expected):
    issue = read_bytes(html_page("utf-8").encode("gb18030"), "page.htm")
    assert issue.encoding == "gb18030"
    assert len(issue.warnings) == 1 and "charset=utf-8" in issue.warnings[0]
    assert metrics(extract_text(issue.text, ruleset=ruleset)) == expected


def test_html_given_as_text_is_read_as_html():
    issue = read_bytes("<html><body><p>贷款<b>1000</b>万元</p></body></html>".encode(), "x.txt")
    assert issue.format == "html" and issue.text == "贷款1000万元\n"


def test_an_html_table_keeps_its_columns(ruleset):
    """The reader writes a table's cells one a line; reflow reads them back as rows, so the
    回访满意率 column claims its figures and the 按时办结率 column's stay unclaimed."""
    page = ("<html><head><meta charset='utf-8'></head><body><div><p>全市热线受理诉求6.42万件。</p><table>"
            "<tr><td>区县</td><td>派单量</td><td>按时办结率</td><td>回访满意率</td></tr>"
            "<tr><td>海城区</td><td>5860件</td><td>99.1%</td><td>96.8%</td></tr>"
            "<tr><td>港湾区</td><td>4930件</td><td>98.9%</td><td>95.7%</td></tr></table>"
            "<p>下一步，将开展回头看。</p></div></body></html>")
    from gazette_cli import reflow
    issue = read_bytes(page.encode(), "t.html")
    assert "\n区县\t派单量\t按时办结率\t回访满意率\n海城区\t5860件\t99.1%\t96.8%\n" in reflow(issue.text).text
    got = [(r.metric, r.value, r.line) for r in extract_text(issue.text, ruleset=ruleset)]
    assert got == [("satisfaction_rate", 96.8, 9), ("satisfaction_rate", 95.7, 13)]


def test_docx_paragraphs_and_table_rows(tmp_path, ruleset, expected):
    issue = read_bytes(docx_bytes(tmp_path), "w.docx")
    assert issue.format == "docx" and issue.text.splitlines()[-1] == "全旗苗木\t9.97亿株"
    got = metrics(extract_text(issue.text, ruleset=ruleset))
    assert got[:10] == expected


@pytest.mark.parametrize("data,message", [
    (None, "not a Word .docx file (a zip without word/document.xml)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Word .doc"),
    (b"PK\x03\x04 truncated", "not a Word .docx file (a broken zip package)"),
    (b"hello", "not a Word .docx file (not a zip package)"),
])
def test_broken_word_files(tmp_path, data, message):
    if data is None:      # a zip renamed .docx
        z = tmp_path / "x.zip"
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr("readme.txt", "贷款1000万元")
        data = z.read_bytes()
    with pytest.raises(InputError, match=re.escape(message)):
        read_bytes(data, "x.docx")


# --- encodings ----------------------------------------------------------------------------

LINE = "全市完成造林500万亩，群众满意率为98%。\n" * 3


@pytest.mark.parametrize("data,encoding", [
    (LINE.encode("utf-16-le"), "utf-16-le"),
    (LINE.encode("utf-16-be"), "utf-16-be"),
    (LINE.encode("utf-16"), "utf-16"),
    ("Total loans: 1000 yuan.\n".encode("utf-16-le") * 5, "utf-16-le"),
    # valid GBK that is mostly ASCII: fewer errors as GB18030 than as UTF-8
    (("x" * 2000 + "\n贷款1000万元\n").encode("gbk"), "gb18030"),
])
def test_more_encodings(data, encoding):
    text, enc, warnings = decode(data)
    assert enc == encoding and warnings == [] and "\ufffd" not in text
    assert text.lstrip("\ufeff") in (LINE, "Total loans: 1000 yuan.\n" * 5, "x" * 2000 + "\n贷款1000万元\n")


def test_big5():
    traditional = "全市完成造林五百萬畝，發放貸款一千萬元，群眾滿意率為百分之九十八。各級政府繼續推進鄉村振興與經濟發展。\n" * 4
    text, enc, _ = decode(traditional.encode("big5"))
    assert text == traditional and "big5" in enc


def test_undecodable_message_never_says_zero_bytes():
    rare = "".join(chr(c) for c in range(0x4E00 + 20000, 0x4E00 + 20400)).encode("gb18030")
    with pytest.raises(InputError) as exc:
        decode(rare, "r.txt")
    assert "(0 undecodable" not in str(exc.value) and "r.txt" in str(exc.value)


def test_empty_file_is_noted_on_stderr(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    p = run("extract", f, "-f", "csv")
    assert p.returncode == 0 and "empty file" in p.stderr


def test_issue_date_from_name_or_masthead():
    assert read_bytes(b"x", "ordos-2025-02-14.txt").meta["date"] == "2025-02-14"
    assert read_bytes(b"x", "20250214_p1.txt").meta["date"] == "2025-02-14"
    assert read_bytes("旗报\n2025年2月14日 星期五\n贷款".encode(), "a.txt").meta["date"] == "2025-02-14"
    assert "date" not in read_bytes("报道说2025年2月14日召开会议".encode(), "a.txt").meta
    assert "date" not in read_bytes(b"x", "20251399.txt").meta
    res = batch.process("-", batch.Task(), data="2025年2月14日 星期五\n全市完成造林500万亩。".encode())
    assert [(r["issue_date"], r["value"]) for r in res.records] == [("2025-02-14", 5000000)]


# --- many files -------------------------------------------------------------------------------

@pytest.fixture
def archive(tmp_path):
    """A directory of every input kind, good and bad; returns (dir, good names, bad names)."""
    d = tmp_path / "issues"
    (d / "sub").mkdir(parents=True)
    (d / ".hidden").mkdir()
    (d / "a_utf8.txt").write_bytes(SAMPLE.read_bytes())
    (d / "b_gb18030.txt").write_bytes(TEXT.encode("gb18030"))
    (d / "sub" / "c_utf16.txt").write_bytes(TEXT.encode("utf-16"))
    (d / "sub" / "d.pdf").write_bytes(PDF.read_bytes())
    (d / "e.html").write_bytes(html_page().encode("gb18030"))
    (d / "f.docx").write_bytes(docx_bytes(tmp_path))
    (d / "g_binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" * 300)
    (d / "h_empty.txt").write_bytes(b"")
    (d / "sub" / "i_truncated.pdf").write_bytes(PDF.read_bytes()[:3000])
    (d / ".hidden" / "x.txt").write_bytes(SAMPLE.read_bytes())          # not read
    (d / "sub" / "again.txt").symlink_to(d / "a_utf8.txt")               # read once
    (d / "sub" / "loop").symlink_to(d)                                   # not followed
    (d / "notes.md").write_text("贷款1000万元")                          # not an issue suffix
    good = ["a_utf8.txt", "b_gb18030.txt", "e.html", "f.docx", "sub/c_utf16.txt", "sub/d.pdf"]
    return d, good, ["g_binary.txt", "sub/i_truncated.pdf"]


def test_a_directory_of_every_kind(archive, expected):
    d, good, bad = archive
    p = run("extract", d, "-f", "jsonl", "--quiet")
    assert p.returncode == 1
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    by_file = {}
    for r in recs:
        by_file.setdefault(str(Path(r["file"]).relative_to(d)), []).append(r)
    assert sorted(by_file) == sorted(good)
    for name in good:
        assert metrics(by_file[name])[:10] == expected, name
    assert all(r["page"] for r in by_file["sub/d.pdf"])
    errors = [l for l in p.stderr.splitlines() if not l.startswith("gazette: warning:")]
    assert sorted(l.split(": ")[1] for l in errors) == sorted(str(d / b) for b in bad)
    assert "binary file" in p.stderr and "truncated PDF" in p.stderr and "empty file" in p.stderr
    assert "Traceback" not in p.stderr


def test_summary_line_and_jobs_2_identical_to_jobs_1(archive):
    d, good, bad = archive
    one = run("extract", d, "-f", "csv", "--jobs", "1")
    two = run("extract", d, "-f", "csv", "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stdout.count("\n") > 60
    assert one.stderr == two.stderr
    assert one.stderr.splitlines()[-1] == f"gazette: {len(good) + 1} file(s) read, {6 * 10 + 1} record(s), 2 file(s) failed"


@pytest.mark.parametrize("args,names", [
    (["--include", "*.pdf"], ["d.pdf", "i_truncated.pdf"]),
    (["--include", "*.txt", "--exclude", "b_*"], ["a_utf8.txt", "g_binary.txt", "h_empty.txt", "c_utf16.txt"]),
    (["--exclude", "sub/*"], ["a_utf8.txt", "b_gb18030.txt", "e.html", "f.docx", "g_binary.txt", "h_empty.txt"]),
])
def test_include_and_exclude(archive, args, names):
    d, _, _ = archive
    items = batch.expand([d], include=[a for i, a in enumerate(args) if i and args[i - 1] == "--include"],
                         exclude=[a for i, a in enumerate(args) if i and args[i - 1] == "--exclude"])
    assert [Path(it.path).name for it in items] == names


def test_globs_are_expanded_by_gazette(archive):
    d, _, _ = archive
    p = run("extract", f"{d}/**/*.pdf", "-f", "jsonl", "-q")
    assert p.returncode == 1                    # the truncated PDF
    assert {json.loads(l)["file"] for l in p.stdout.splitlines()} == {str(d / "sub" / "d.pdf")}
    p = run("extract", f"{d}/*.nothing")
    assert p.returncode == 1 and "no file matches" in p.stderr


def test_stdin():
    p = run("extract", "-", "-f", "jsonl", stdin=TEXT)
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    assert p.returncode == 0 and len(recs) == 10 and recs[0]["file"] == "<stdin>"


def test_an_internal_error_is_that_files_error(tmp_path, monkeypatch):
    task = batch.Task(packs=("test-internal",))
    real = batch.prepare(batch.Task())

    def runner(text, path, warn):
        if "boom" in path:
            raise ValueError("Exceeds the limit (4300 digits)")
        return real(text, path, warn)
    monkeypatch.setitem(batch._RUNNERS, task, runner)
    (tmp_path / "boom.txt").write_text("贷款1e5000元")
    items = batch.expand([tmp_path / "boom.txt", SAMPLE])
    results = list(batch.run(items, task, jobs=1))
    assert [len(r.records) for r in results] == [0, 10]
    err = results[0].error
    assert err.startswith(f"{tmp_path / 'boom.txt'}: internal error: ValueError: Exceeds") and "please report" in err
    assert "gazette 0." in err or "gazette unknown" in err


def test_huge_number_in_one_file_keeps_the_others(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_text("贷款1e5000元，贷款" + "9" * 10000 + "元")
    p = run("extract", f, SAMPLE, "-f", "jsonl")
    assert len([l for l in p.stdout.splitlines() if str(SAMPLE) in l]) == 10
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr
    assert "huge.txt: line 1, column 3: number not read" in p.stderr


def test_a_worker_that_dies_is_its_files_error(tmp_path, monkeypatch):
    import os
    task = batch.Task(packs=("test-dies",))
    real = batch.prepare(batch.Task())

    def runner(text, path, warn):
        if Path(path).name == "die.txt":
            os._exit(9)
        return real(text, path, warn)
    monkeypatch.setitem(batch._RUNNERS, task, runner)   # forked workers inherit it
    files = []
    for name in ["a.txt", "die.txt", "b.txt", "c.txt"]:
        (tmp_path / name).write_bytes(SAMPLE.read_bytes())
        files.append(tmp_path / name)
    results = list(batch.run(batch.expand(files), task, jobs=2))
    assert [Path(r.path).name for r in results] == ["a.txt", "die.txt", "b.txt", "c.txt"]
    assert [len(r.records) for r in results] == [10, 0, 10, 10]
    assert "worker process reading this file died" in results[1].error


def test_the_library_places_pdf_records_as_the_command_line_does():
    from gazette_cli import extract
    pdf = SAMPLE.with_suffix(".pdf")
    lib = [r.as_dict() for r in extract(pdf).records]
    cli = [json.loads(line) for line in run("extract", pdf, "-f", "jsonl").stdout.splitlines()]
    assert lib == cli and all("page" in r for r in lib)
