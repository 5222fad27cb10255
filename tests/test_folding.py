"""Traditional script: read like simplified, quoted and located as written."""
import pytest

from gazette_cli import extract_text, quantities_text
from gazette_cli import folding
from gazette_cli.folding import fold

PAIRS = [
    ("授信額度不低於500億元人民幣", "授信额度不低于500亿元人民币"),
    ("全縣完成人工造林1.2萬畝", "全县完成人工造林1.2万亩"),
    ("育苗總量達9.97億株", "育苗总量达9.97亿株"),
    ("群眾滿意率為99.2%", "群众满意率为99.2%"),
    ("兩萬三千株樹苗", "两万三千株树苗"),
]


@pytest.mark.parametrize("traditional,simplified", PAIRS)
def test_same_records_as_simplified_quoting_the_original(traditional, simplified):
    assert fold(traditional) == simplified and len(fold(traditional)) == len(traditional)
    trad, simp = extract_text(traditional), extract_text(simplified)
    assert [(r.metric, r.value, r.unit, r.line, r.column) for r in trad] == \
           [(r.metric, r.value, r.unit, r.line, r.column) for r in simp]
    assert all(r.text in traditional and r.context == traditional for r in trad)


def test_simplified_text_is_returned_as_is():
    text = "全县完成人工造林1.2万亩"
    assert fold(text) is text


def test_quantities_in_traditional_script():
    got = [(r.text, r.value, r.unit) for r in quantities_text("新增綠地面積3.5萬平方米，栽植喬木2萬棵")]
    assert got == [("3.5萬平方米", 35000, "平方米"), ("2萬棵", 20000, "棵")]


@pytest.mark.parametrize("damage", [None, b"", b"not json", b'["other key", "\u842c\u4e07"]', b'[0, 1]'])
def test_the_table_from_the_cache_is_the_table_from_opencc(damage, tmp_path, monkeypatch):
    """OpenCC is asked once and its answer kept in the data cache; a missing or damaged entry
    is asked again, never trusted."""
    monkeypatch.setenv("GAZETTE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GAZETTE_NO_CACHE", raising=False)
    first = folding._pairs()
    assert len(first) > 5000 and "萬万" in first and "畝亩" in first and len(first) % 2 == 0
    entries = list(tmp_path.glob("*.json"))
    assert len(entries) == 1
    if damage is not None:
        entries[0].write_bytes(damage)
    import opencc
    asked = []
    monkeypatch.setattr(opencc.OpenCC, "convert", lambda self, text, _real=opencc.OpenCC.convert: asked.append(1) or _real(self, text))
    assert folding._pairs() == first
    assert asked == ([] if damage is None else [1])
