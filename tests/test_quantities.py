"""The quantity scanner: units as data, qualifiers and bounds, what is not a quantity."""
from __future__ import annotations

from pathlib import Path

import pytest

from gazette_cli import load_units, quantities_text
from gazette_cli.resources import default_units_file


def _rows(text, **kw):
    return [(r.value, r.unit, r.qualifier, r.min, r.max) for r in quantities_text(text, reflow=False, **kw)]


@pytest.fixture
def my_units(tmp_path: Path):
    """The shipped units file plus a few lines an analyst might add."""
    def make(extra_units: str = "", extra_scanner: str = "") -> Path:
        text = default_units_file().read_text(encoding="utf-8")
        head, _, scanner = text.partition("\nscanner:\n")
        path = tmp_path / "units.yaml"
        path.write_text(head.rstrip("\n") + "\n" + extra_units + "\nscanner:\n" + scanner + extra_scanner,
                        encoding="utf-8")
        return path
    return make


def test_a_unit_added_to_the_units_file_works_without_code(my_units):
    path = my_units("  - {name: 标准箱, kind: count, aliases: [标箱]}\n"
                    "  - {name: 千公顷, kind: measure, dimension: area, factor: 10000000}\n")
    units = load_units(path)
    assert _rows("集装箱吞吐量达120万标箱", units=units) == [(1200000, "标准箱", None, None, None)]
    # a unit that starts with a power character: 千 is its prefix, not a multiplier
    assert _rows("耕地面积5千公顷", units=units) == [(5, "千公顷", None, None, None)]
    assert _rows("集装箱吞吐量达120万标箱", units=load_units()) == []


def test_scanner_section_of_the_units_file_is_data(my_units):
    path = my_units(extra_scanner="    - 三生\n" if False else "")
    text = path.read_text(encoding="utf-8").replace("not_numbers: [一切,", "not_numbers: [三生有幸, 一切,")
    path.write_text(text, encoding="utf-8")
    units = load_units(path)
    assert _rows("三生有幸", units=units, all_numbers=True) == []
    assert _rows("三生有幸", all_numbers=True) == [(3, None, None, None, None)]


def test_a_qualifier_added_to_the_units_file_works_without_code(my_units):
    path = my_units()
    text = path.read_text(encoding="utf-8").replace("    before: {约: approx,", "    before: {突破: over, 约: approx,")
    path.write_text(text, encoding="utf-8")
    assert _rows("综合产值突破180亿元", units=load_units(path)) == [(18000000000, "元", "over", 18000000000, None)]
    assert _rows("综合产值突破180亿元") == [(18000000000, "元", None, None, None)]


@pytest.mark.parametrize("text,want", [
    # qualifiers before and after, and the bound they fill
    ("约5万元", (50000, "元", "approx", None, None)),
    ("5万元左右", (50000, "元", "approx", None, None)),
    ("超过了5万元", (50000, "元", "over", 50000, None)),
    ("逾3000人", (3000, "人", "over", 3000, None)),
    ("3000人以上", (3000, "人", "over", 3000, None)),
    ("60岁及以上", (60, "岁", "min", 60, None)),
    ("不足100户", (100, "户", "under", None, 100)),
    ("不超过30%", (30, "%", "max", None, 30)),
    ("至少是3家", (3, "家", "min", 3, None)),
    ("大于或等于50亩", (50, "亩", "min", 50, None)),
    ("小于 或 等于100吨", (100, "吨", "max", None, 100)),
    ("比170米低", (170, "米", "under", None, 170)),
    ("5万余亩", (50000, "亩", "over", 50000, None)),
    ("大概有五百多个", (500, "个", "over", 500, None)),
    ("最高可享受贷款贴息50万元", (500000, "元", "max", None, 500000)),
    # ranges
    ("3万至5万元", (None, "元", None, 30000, 50000)),
    ("百分之二十到百分之三十", (None, "%", None, 20, 30)),
    ("最少20个最多100个", (None, "个", None, 20, 100)),
    # money in two units, a half, currency before the amount
    ("50元6角三分", (50.63, "元", None, None, None)),
    ("两美元又三美分", (2.03, "美元", None, None, None)),
    ("一年半", (1.5, "年", None, None, None)),
    ("$20", (20, "美元", None, None, None)),
    ("人民币 8千元", (8000, "元", None, None, None)),
    # traditional script and financial digits
    ("四十九兆九千五百九十二億元", (49959200000000, "元", None, None, None)),
    ("貳拾萬元", (200000, "元", None, None, None)),
    ("六萬萬人", (600000000, "人", None, None, None)),
    ("１，０１１，０３８，０００元", (1011038000, "元", None, None, None)),
    ("8,400多万元", (84000000, "元", "over", 84000000, None)),
    ("用了5个多月时间", (5, "个月", "over", 5, None)),
    ("3个多小时", (3, "小时", "over", 3, None)),
    ("设立固定样地32块", (32, "块", None, None, None)),       # 块 counts; 元 only as 块钱
    ("每斤卖5块钱", (5, "元", None, None, None)),
    ("火灾受害率控制在0.5‰", (0.5, "‰", None, None, None)),   # per mille as written
    ("利率上限为LPR+50BP", (50, "BP", None, None, None)),
])
def test_quantity(text, want):
    assert _rows(text) == [want]


@pytest.mark.parametrize("text", [
    "十四五规划", "一国两制", "两岸关系", "第十三届全国人大一次会议", "1994/1995年度", "十三五时期",
    "七上八下", "万一发生", "第一个五年计划", "第14个五年规划", "一两年内", "三五成群", "陆续出台", "收拾残局", "队伍建设", "5G网络", "COVID-19",
    # a point in the past, ranks, a body of government, a word, a place
    "覆盖率由十年前的", "热点诉求前五位依次为", "排名后两位的是", "市四套班子领导", "开展二次回访", "九峰县",
])
def test_not_a_quantity(text):
    assert _rows(text) == []


@pytest.mark.parametrize("text", ["一切", "统一", "四川", "十足", "队伍", "千家万户", "陆续", "十分重要", "两两结对"])
def test_not_a_number_even_with_all_numbers(text):
    assert _rows(text, all_numbers=True) == []


@pytest.mark.parametrize("section,message", [
    ("scanner:\n  colour: x\n", "scanner: unknown field 'colour'"),
    ("scanner:\n  symbols:\n    斤斤: [x]\n", "scanner.symbols: unknown unit '斤斤'"),
    ("scanner:\n  phrases:\n    - {text: 半百}\n", "scanner.phrases: each phrase needs `text` and `value`"),
    ("scanner:\n  named: [金子]\n", "scanner.named: '金子' is no unit or alias"),
    ("scanner:\n  qualifiers:\n    before: {约: roughly}\n", "scanner.qualifiers.before: 约: 'roughly' is no qualifier"),
])
def test_units_file_scanner_section_is_validated(tmp_path, section, message):
    from gazette_cli.errors import DataFileError
    from gazette_cli.units import load_units as load

    f = tmp_path / "units.yaml"
    f.write_text("units:\n  - {name: 元, kind: money, iso: CNY}\n" + section, encoding="utf-8")
    with pytest.raises(DataFileError) as exc:
        load(f)
    assert any(message in str(p) for p in exc.value.problems), exc.value.problems


@pytest.mark.parametrize("text", ["1 9 9 8 年是全面贯彻", "３ ５ ５ ５ 万人", "增长率下降到1 0 ．0 6 ‰。"])
def test_digits_typeset_with_spaces_give_no_stray_last_digit(text):
    assert quantities_text(text) == []


@pytest.mark.parametrize("text,want", [
    # the cells of a flattened table row: a number after another number of two digits or more
    ("1 县水务局 38 36 76.32%", [(76.32, "%")]),
    ("县住建局 238 236 99.16% 100% 93.64%", [(99.16, "%"), (100, "%"), (93.64, "%")]),
    ("合计 12 1200万元", [(12000000, "元")]),
    # the row's number (序号) before a cell that begins with a measure word is no count
    ("序号 单位 满意率\n1 县水务局 38 36 76.32%\n4 县住建局 31 31 83.87%", [(76.32, "%"), (83.87, "%")]),
    # …a count inside a line, or a line that is no table row, is one
    ("确定4县为试点", [(4, "县")]),
    ("确定\n4 县为试点", [(4, "县")]),
])
def test_table_cells_after_numbers_are_read(text, want):
    assert [(r.value, r.unit) for r in quantities_text(text, reflow=False)] == want


@pytest.mark.parametrize("text", ["加强关键零部件等供给保障", "两部门联合印发", "实现零排放", "城镇化战略五年行动计划",
                                  "破除城乡二元结构", "依靠三次产业共同带动", "打通“最后一公里”"])
def test_words_made_with_numerals_are_no_quantity(text):
    assert quantities_text(text) == []


@pytest.mark.parametrize("text, want", [
    # numbers listed before a quantity share its unit and its 万/亿
    ("分别比上年提高0.62、1.5、3.1个百分点", [(0.62, "个百分点"), (1.5, "个百分点"), (3.1, "个百分点")]),
    ("与上年相比分别上升了0.37和0.52个百分点", [(0.37, "个百分点"), (0.52, "个百分点")]),
    ("农业银行、建设银行分别授信30、20亿元", [(3e9, "元"), (2e9, "元")]),
    ("两镇分别完成造林1.2与0.8万公顷", [(2, "镇"), (12000, "公顷"), (8000, "公顷")]),
    # …and numbers each after a label of its own, parted by 、
    ("完成人工造林2.96、封沙育林草2.1、人工种草3.4万亩；", [(29600, "亩"), (21000, "亩"), (34000, "亩")]),
    ("其中小学5、初中3所", [(5, "所"), (3, "所")]),
    ("造林3.5万亩、种草2.1、飞播3.4万亩", [(35000, "亩"), (21000, "亩"), (34000, "亩")]),
    ("完成造林2.96和种草3.4万亩", [(34000, "亩")]),          # labelled: only 、 lists
    ("2023年1、2024年3.4万亩", [(34000, "亩")]),             # a label that is no word of its own
    # not: an ordinal, a number with a unit of its own, a number inside another, a qualifier
    ("第1、2名", [(2, "名")]),
    ("满意率分别为95.2%、96.1%", [(95.2, "%"), (96.1, "%")]),
    ("编号A3、5家企业", [(5, "家")]),
    ("3、约5万亩", [(50000, "亩")]),
])
def test_numbers_listed_before_a_quantity_share_its_unit(text, want):
    assert [(float(r.value), r.unit) for r in quantities_text(text)] == want


@pytest.mark.parametrize("text,want", [
    # a range whose two ends are in different units is none: both figures are read
    ("投入3万元-5万美元", [("3万元", 30000, "元"), ("5万美元", 50000, "美元")]),
    ("港湾区  4930件  —  95.7%", [("4930件", 4930, "件"), ("95.7%", 95.7, "%")]),
    ("港湾区\t4930件\t—\t95.7%", [("4930件", 4930, "件"), ("95.7%", 95.7, "%")]),
    ("港湾区 4930件 -5.2%", [("4930件", 4930, "件"), ("-5.2%", -5.2, "%")]),   # a space before the sign only: a negative cell
    ("3至5万亩", [("3至5万亩", None, "亩")]),
])
def test_a_range_cut_short_leaves_its_second_figure(text, want):
    assert [(r.text, r.value, r.unit) for r in quantities_text(text)] == want


@pytest.mark.parametrize("text,want", [
    # money words before a figure in 亿 with no unit: 元 (news leaves it out)
    ("贷款余额达150亿，同比增长8%", [("150亿", 15000000000, "元", None), ("8%", 8, "%", None)]),
    ("累计获得授信总额超过1.2万亿", [("超过1.2万亿", 1200000000000, "元", "over")]),
    ("签约金额108.6亿", [("108.6亿", 10860000000, "元", None)]),
    # no money word in the clause, another unit after, or 万 not 亿: no unit to imply
    ("全市人口1.2亿", []),
    ("贷款支持下，全市人口1.2亿", []),
    ("投放鱼苗1.5亿尾", [("1.5亿尾", 150000000, "尾", None)]),
    ("贷款总额3万", []),
    ("发放贷款3.5亿元", [("3.5亿元", 350000000, "元", None)]),
])
def test_a_unit_a_money_word_implies(text, want):
    assert [(r.text, r.value, r.unit, r.qualifier) for r in quantities_text(text)] == want
