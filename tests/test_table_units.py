"""Tables that state their unit once, in a caption or a column header: their bare numbers
are quantities in that unit, quoted as written and placed in the file."""
import pytest

from gazette_cli import extract_text, quantities_text

CASES = [
    # a caption on the title line: every column but the counts and the row labels
    ("表3 各经办银行发放情况（单位：万元）\n银行  笔数  发放金额  贷款余额\n市农商银行  2168  43600  97200\n",
     [("43600", 436000000, "元"), ("97200", 972000000, "元")]),
    # a caption on a line of its own, before the header, with a colon after it
    ("各乡镇育苗情况如下\n（单位：万株）：\n乡镇  育苗量  可出圃\n东乡  120.5  80\n西乡  96  51.2\n",
     [("120.5", 1205000, "株"), ("80", 800000, "株"), ("96", 960000, "株"), ("51.2", 512000, "株")]),
    # units in the header cells: each column its own, the others left alone
    ("单位  受理量  办结率（%）  满意率（%）\n市人社局  1862  99.6  98.7\n",
     [("99.6", 99.6, "%"), ("98.7", 98.7, "%")]),
    # cells parted by single spaces, units in the header only
    ("路段 里程（公里） 栽植乔木（株） 栽植灌木（株）\nG208沿线 38.4 11520 26800\n",
     [("38.4", 38.4, "公里"), ("11520", 11520, "株"), ("26800", 26800, "株")]),
    # a header cell's own unit beats the caption's; a rate column without one is left alone
    ("（单位：亩）\n县区  计划  完成  完成率  资金(万元)\n甲县  6000  6400  106.7  350\n",
     [("6000", 6000, "亩"), ("6400", 6400, "亩"), ("350", 3500000, "元")]),
    # a column of this year's or last year's figures takes the caption's unit; a ratio does not
    ("（单位：万株）\n树种  2024年  今年需苗量  供需比\n云杉  120  96  1.25\n",
     [("120", 1200000, "株"), ("96", 960000, "株")]),
    # cells that already have a unit, or are no bare number, are read as ever
    ("（单位：亩）\n项目  计划  完成\n人工造林  6000亩  约6400\n",
     [("6000亩", 6000, "亩")]),
    # no caption, no unit in the header: nothing added
    ("县区  计划  完成\n甲县  6000  6400\n", []),
    # a unit text that is no unit: nothing added
    ("（单位：个人）\n县区  计划  完成\n甲县  6000  6400\n", []),
    # a caption naming a unit and % (单位：万亩、%): the rate column in %, the others in the unit
    ("单位：万亩、%\n旗县\t年度任务\t累计完成\t完成率\n奈曼旗\t71.5\t33.1\t46.3\n",
     [("71.5", 715000, "亩"), ("33.1", 331000, "亩"), ("46.3", 46.3, "%")]),
    # an indicator table: each row's label states its unit (贷款余额(亿元)), the header only years
    ("指标\t2023年\t2024年\n小微企业贷款余额(亿元)\t54.98\t61.20\n贷款户数(户)\t9812\t—\n",
     [("54.98", 5498000000, "元"), ("61.20", 6120000000, "元"), ("9812", 9812, "户")]),
    # a row label whose bracket is no unit, or a row with a word among its cells: nothing added
    ("指标\t上年\t本年\n贷款余额(含贴现)\t54.98\t61.20\n贷款余额(亿元)\t54.98\t较多\n", []),
    # a 单位 column: each row's figures in the unit it names; a rate column in its own
    ("指标\t单位\t绝对数\t比上年增长(%)\n造林面积\t公顷\t8426\t12.3\n四旁植树\t万株\t326\t6.9\n",
     [("8426", 8426, "公顷"), ("12.3", 12.3, "%"), ("326", 3260000, "株"), ("6.9", 6.9, "%")]),
    # a caption naming two units: the area columns (面积) in the one, the others in the other
    ("三、分县区情况(单位:亩、万株)\n县区    育苗面积    苗木总量    可出圃苗木\n东城区    1,860    1,126.5    486.2\n",
     [("1,860", 1860, "亩"), ("1,126.5", 11265000, "株"), ("486.2", 4862000, "株")]),
    # the table ends at a line with another number of cells
    ("（单位：万元）\n银行  发放  余额\n农行  120  300\n合计为420万元。\n",
     [("120", 1200000, "元"), ("300", 3000000, "元"), ("420万元", 4200000, "元")]),
]


@pytest.mark.parametrize("text,want", CASES)
def test_bare_numbers_take_the_unit_their_table_states(text, want):
    got = [(r.text, r.value, r.unit) for r in quantities_text(text)]
    assert got == want


def test_they_are_placed_in_the_file_and_claimed_by_column():
    text = "各经办银行创业担保贷款发放情况（单位：万元）\n银行  笔数  发放金额\n市农商银行  2168  43600\n"
    recs = extract_text(text)
    assert [(r.text, r.line, r.column, r.value, r.metric) for r in recs] == \
        [("43600", 3, 14, 436000000, "loan_amount")]


def test_a_column_header_with_an_excluded_word_keeps_its_cells_out():
    """涉农贷款 names the loans of the row; 较年初增加 says its cell is the balance's increase."""
    text = ("表1 重点领域贷款情况\n（单位：亿元、%）\n项目\t9月末余额\t较年初增加\t同比增速\n"
            "涉农贷款\t112.37\t10.26\t12.84\n普惠小微贷款\t46.91\t7.35\t23.47\n")
    assert [(r.text, r.value) for r in extract_text(text)] == [("112.37", 11237000000), ("46.91", 4691000000)]


def test_a_table_written_one_cell_a_line_with_an_empty_note_column_is_read():
    text = ("2025年度营造林任务分解表\n单位：亩\n乡镇\n人工造林\n封山育林\n备注\n城关镇\n600\n1000\n\n"
            "白岩镇\n1500\n2000\n含石漠化治理区\n龙潭乡\n1200\n3000\n\n合计\n3300\n6000\n\n")
    recs = extract_text(text)
    assert [(r.line, r.value, r.metric) for r in recs] == [
        (8, 600, "afforestation_area"), (9, 1000, "afforestation_area"), (12, 1500, "afforestation_area"),
        (13, 2000, "afforestation_area"), (16, 1200, "afforestation_area"), (17, 3000, "afforestation_area"),
        (20, 3300, "afforestation_area"), (21, 6000, "afforestation_area")]
