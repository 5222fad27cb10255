"""Make samples/000_325790cf70597617.pdf: the sample issue laid out as a newspaper page
in two columns, with a headline across both, so that the PDF reader is tested on the
same text as the plain-text sample.

    pip install fpdf2
    apt-get install fonts-droid-fallback fonts-dejavu-core   # Apache-2.0; Bitstream Vera licence
    python samples/make_pdf.py [--font FILE.ttf] [--out FILE.pdf]

The output is byte-for-byte the same on every run (fixed dates and file id), so the
committed PDF can be checked against this script. Each line of the text file is drawn as
one line (wrapped when wider than a column); a blank line is a paragraph gap; when a
column is full the text goes on at the top of the next column or page, as in a paper.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXT = HERE / "000_325790cf70597617.txt"
OUT = HERE / "000_325790cf70597617.pdf"
FONTS = [Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
         Path("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf")]
# Droid Sans Fallback has no Latin digits or curly quotes: DejaVu Sans (free licence,
# fonts-dejavu-core) draws those
LATIN = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

PAGE_W, PAGE_H = 595.28, 841.89          # A4 in points
MARGIN, GUTTER = 40.0, 24.0
SIZE, LEADING, GAP = 9.5, 14.0, 7.0     # font size, line height, paragraph gap
HEAD_SIZE = 18.0


def wrap(pdf, line: str, width: float) -> list[str]:
    """Cut a line into pieces no wider than `width` (CJK text breaks anywhere)."""
    out, cur = [], ""
    for ch in line:
        if cur and pdf.get_string_width(cur + ch) > width:
            out.append(cur)
            cur = ""
        cur += ch
    return out + [cur] if cur else out


def put(pdf, x: float, y: float, text: str) -> None:
    """Draw one line with its baseline near y (cell, not text(): only cell uses the fallback font)."""
    pdf.set_xy(x, y - pdf.font_size)
    pdf.cell(text=text)


def build(font: Path, out: Path) -> None:
    from fpdf import FPDF

    lines = TEXT.read_text(encoding="utf-8").splitlines()
    headline, body = lines[0].strip(), lines[1:]
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(datetime(2025, 2, 14, tzinfo=timezone.utc))
    pdf.file_id = lambda: "<0123456789ABCDEF0123456789ABCDEF><0123456789ABCDEF0123456789ABCDEF>"
    pdf.set_title("gazette sample issue (two columns)")
    pdf.set_producer("gazette samples/make_pdf.py")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", str(font))
    pdf.add_font("latin", "", str(LATIN))
    pdf.set_fallback_fonts(["latin"])
    col_w = (PAGE_W - 2 * MARGIN - GUTTER) / 2

    pdf.add_page()
    pdf.set_font("cjk", size=HEAD_SIZE)
    put(pdf, (PAGE_W - pdf.get_string_width(headline)) / 2, MARGIN + HEAD_SIZE, headline)
    top = MARGIN + HEAD_SIZE + 2 * LEADING       # the columns start under the headline
    pdf.set_font("cjk", size=SIZE)
    col, y = 0, top

    def next_column():
        nonlocal col, y, top
        col += 1
        if col == 2:
            pdf.add_page()
            col, top = 0, MARGIN
        y = top

    for line in body:
        text = line.strip()
        if not text:
            y += GAP
            continue
        for piece in wrap(pdf, text, col_w):
            if y + LEADING > PAGE_H - MARGIN:
                next_column()
            y += LEADING
            put(pdf, MARGIN + col * (col_w + GUTTER), y, piece)
    pdf.output(str(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--font", type=Path, help="a TrueType font with CJK glyphs (default: Droid Sans Fallback)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    font = args.font or next((f for f in FONTS if f.exists()), None)
    if font is None or not font.exists() or not LATIN.exists():
        print("make_pdf: fonts missing; apt-get install fonts-droid-fallback fonts-dejavu-core, or give --font FILE.ttf",
              file=sys.stderr)
        return 1
    build(font, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
