"""Reflowing hard-wrapped text, and the map back to the original line and column."""
import pytest

from gazette_cli import quantities_text, reflow
from gazette_cli.reflow import identity

CASES = [
    # (original, reflowed)
    ("育苗总量达9.97\n亿株，", "育苗总量达9.97亿株，"),
    ("总长约420公\n里、平均", "总长约420公里、平均"),
    ("整体满意率为\n100%。", "整体满意率为100%。"),
    ("办理了 500 万\n元的贷款", "办理了 500 万元的贷款"),
    ("windows line\r\nend", "windows lineend"),
    # a sentence that ends keeps its break
    ("工作取得新成效。\n下一步，", "工作取得新成效。\n下一步，"),
    ("他说：“好。”\n第二段", "他说：“好。”\n第二段"),
    # an indented next line starts a paragraph
    ("第一段没有句号\n　　第二段", "第一段没有句号\n　　第二段"),
    # a column break: a blank line in mid-sentence after a full line
    ("群众可以直接对政务服务提出意见\n工作提出意见建议对政务服务提出意见\n\n和建议，有助于", "群众可以直接对政务服务提出意见工作提出意见建议对政务服务提出意见和建议，有助于"),
    # a short line alone before a blank line is a headline: kept
    ("一、把牢正确方向\n\n坚持党的全面领导", "一、把牢正确方向\n\n坚持党的全面领导"),
    # a blank line after a short last line of a paragraph: kept
    ("这是一段很长很长的文字内容啊\n结尾短\n\n新的段落开始", "这是一段很长很长的文字内容啊结尾短\n\n新的段落开始"),
    # a short headline right above its article: kept
    ("人才贷赋能创新创业\n近日，市文化艺术中心举办云南省农民画优秀作品馆际交流展", "人才贷赋能创新创业\n近日，市文化艺术中心举办云南省农民画优秀作品馆际交流展"),
    # a column break right after a paragraph's first line, inside a number or before a comma
    ("预算支出为１６，０５５，２\n\n０６，０００元，占", "预算支出为１６，０５５，２０６，０００元，占"),
    ("总产值达到一百亿九十一元\n\n，较上年增加", "总产值达到一百亿九十一元，较上年增加"),
    ("共计一千一\n\n百多公里", "共计一千一百多公里"),
    # a figure with 万/亿 cut from its unit by a column break, after a paragraph's first line
    ("全年\n完成人工造林3.6万\n\n亩、封山育林", "全年\n完成人工造林3.6万亩、封山育林"),   # 全年: a headline-short first line
    ("按照政策，人才最高可获1000万\n\n元信用贷款", "按照政策，人才最高可获1000万元信用贷款"),
    # a web page's byline (a time, a count after a colon) before a paragraph that opens
    # with a date: two paragraphs, not one number
    ("来源：松江日报  2025-03-14 08:10\n\n3月13日，全市完成造林", "来源：松江日报  2025-03-14 08:10\n\n3月13日，全市完成造林"),
    ("发布时间:2025-01-08  浏览次数:1206\n\n2024年,全县完成", "发布时间:2025-01-08  浏览次数:1206\n\n2024年,全县完成"),
    ("县林业局2024年全县造林工作总结\n发布时间:2025-01-08  来源:县林业局  浏览次数:1206\n\n2024年,全县完成",   # even a full one
     "县林业局2024年全县造林工作总结发布时间:2025-01-08  来源:县林业局  浏览次数:1206\n\n2024年,全县完成"),
    # flattened table rows stay lines: rows ending in a figure, or cells parted by wide gaps
    ("项目 面积 株数\n人工造林 5000亩 12万株\n封山育林 3000亩 0", "项目 面积 株数\n人工造林 5000亩 12万株\n封山育林 3000亩 0"),
    ("类别  额度  利率\nA类  1000万元  LPR下浮30个基点\nB类  600万元  执行LPR",
     "类别  额度  利率\nA类  1000万元  LPR下浮30个基点\nB类  600万元  执行LPR"),
    # prose with single spaces is joined
    ("获得最高 1000 万元 的贷款\n支持 企业 发展", "获得最高 1000 万元 的贷款支持 企业 发展"),
    # a paragraph that opens at the foot of a page and fills the column goes on after the
    # page break (\f); across blank lines alone it would not (they part paragraphs)
    ("这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n满意率低于90%的单位有3家，分别\n\f是物业中心（88.6%），",
     "这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n满意率低于90%的单位有3家，分别是物业中心（88.6%），"),
    ("这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n满意率低于90%的单位有3家，分别\n\n是物业中心（88.6%），",
     "这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n这是上一段很长很长的文字内容。\n满意率低于90%的单位有3家，分别\n\n是物业中心（88.6%），"),
    # a chunk marker glued to the start of a line that goes on the line before (a document
    # site's numbered chunks) goes with the break; a numbered item after a headline stays
    ("下达我县任务7.22万亩，其中：人工造乔木林0.1万\n3、亩，封山育林6.62万亩", "下达我县任务7.22万亩，其中：人工造乔木林0.1万亩，封山育林6.62万亩"),
    ("全面完成营造林计划任务7万亩(其中:人工造林0.1万亩\n2、;封山育林6万亩)", "全面完成营造林计划任务7万亩(其中:人工造林0.1万亩;封山育林6万亩)"),
    ("一、主要任务完成情况\n1、造林绿化。全年共完成人工造林1246亩", "一、主要任务完成情况\n1、造林绿化。全年共完成人工造林1246亩"),
    ("全年工作取得新成效。\n2、加强资源保护", "全年工作取得新成效。\n2、加强资源保护"),
    # a number cut by the break after a paragraph's short first line; a page footer after a
    # paragraph's first line that is no headline
    ("其他100万株。\n补植补造按每亩补植3\n0至50株的标准进行，成活率要求达到85%以上", "其他100万株。\n补植补造按每亩补植30至50株的标准进行，成活率要求达到85%以上"),
    ("好。\n(1)人工种草:全年完成人工种草8.6万亩,其中多年生\n- 1 -\n牧草5.2万亩、一年生饲草3.4万亩。", "好。\n(1)人工种草:全年完成人工种草8.6万亩,其中多年生牧草5.2万亩、一年生饲草3.4万亩。"),
    ("一、工作回顾\n- 3 -\n全年共完成人工造林1.46万亩、封山育林1.5万亩、退化林修复", "一、工作回顾\n- 3 -\n全年共完成人工造林1.46万亩、封山育林1.5万亩、退化林修复"),
    # a page header between two lines of a paragraph is passed over like a page number
    ("今年以来，全县国土绿化\n完成人工造林1.2万亩，封山育林\n第2版\n1.5万亩，退化林修复", "今年以来，全县国土绿化完成人工造林1.2万亩，封山育林1.5万亩，退化林修复"),
    ("今年以来，全县国土绿化\n完成人工造林1.2万亩，封山育林\n第 三 版\n1.5万亩", "今年以来，全县国土绿化完成人工造林1.2万亩，封山育林1.5万亩"),
    # …and a running head or a continuation note inside a column of text
    ("今年以来，全县国土绿化完成人工造林1.2万亩，封山育林\n清源日报  2025年3月5日  星期三  第2版\n1.5万亩",
     "今年以来，全县国土绿化完成人工造林1.2万亩，封山育林1.5万亩"),
    ("今年以来，全县国土绿化完成人工造林1.2万亩，封山育林\n（下转第2版）\n1.5万亩", "今年以来，全县国土绿化完成人工造林1.2万亩，封山育林1.5万亩"),
    # …but not among the masthead's short lines at the top of a page
    ("林海日报\n2025年6月17日 星期二 第4版\n民生·社会\n\n本报讯 眼下正是", "林海日报\n2025年6月17日 星期二 第4版民生·社会\n\n本报讯 眼下正是"),
    # stray spaces inside figures are taken out: thousands parted by a space right before a
    # unit, a space after the point of a figure in running text
    ("完成油茶新造林8 400亩，惠及林农1 264户,护林员3 120人", "完成油茶新造林8400亩，惠及林农1264户,护林员3120人"),
    ("贷款1 000万元、12 345 678元、1\u2009000万元", "贷款1000万元、12345678元、1000万元"),
    ("育苗9. 97亿株，满意率为\n96. 8%，人工造林 9. 6万亩 73. 8%", "育苗9.97亿株，满意率为96.8%，人工造林 9.6万亩 73.8%"),
    ("计划完成造林任务2. 4\n万亩，满意率为 97. 3 %", "计划完成造林任务2.4万亩，满意率为 97.3 %"),
    ("封沙育林(草)9. 3万公顷，发放“油茶贷”\n4. 12亿元", "封沙育林(草)9.3万公顷，发放“油茶贷”4.12亿元"),
    ("封山育林 12 000 亩 100%", "封山育林 12000 亩 100%"),   # no number is written 000
    # a no-break space (a web page's &nbsp;) or a thin space is a space; inside a figure, a stray one
    ("造林\u00a05000\u00a0亩，满意率\u00a099.5\u00a0%，育苗8\u2009400万株", "造林 5000 亩，满意率 99.5 %，育苗8400万株"),
    # …not a table's cells, a row number before its cell, a figure before a spaced unit, a
    # list number at the start of a line or sentence, before a date
    ("县住建局 238 236 99.16% 100%\n东坝镇 94 94 100% 100%", "县住建局 238 236 99.16% 100%\n东坝镇 94 94 100% 100%"),
    ("1 县水务局 38 36 76.32%\n2 县城管局 27 26 81.48%", "1 县水务局 38 36 76.32%\n2 县城管局 27 26 81.48%"),
    ("第1 300 亩", "第1 300 亩"),
    # a table row of figures parted by single spaces, one with a decimal part: cells, not thousands
    ("城关镇 14 612 318.5 152.4\n柳河镇 18 826 426.2 210.8", "城关镇 14 612 318.5 152.4\n柳河镇 18 826 426.2 210.8"),
    ("贷款12 345.6万元", "贷款12345.6万元"),
    # a short first line cut between 万/亿 and the unit goes on (no headline ends so)
    ("依托信贷资金，全旗今年完成防沙治沙任务46.8万\n亩，其中工程固沙10.2万亩，人工造林8.6万亩，封沙育林12万亩，飞播造林5万亩",
     "依托信贷资金，全旗今年完成防沙治沙任务46.8万亩，其中工程固沙10.2万亩，人工造林8.6万亩，封沙育林12万亩，飞播造林5万亩"),
    # …and so does a short first line that ends in a word before a figure, its unit and a comma
    ("同比增长7.6%。\n各项贷款余额\n268.93亿元，同比增长11.2%。", "同比增长7.6%。\n各项贷款余额268.93亿元，同比增长11.2%。"),
    ("全县造林综述\n2024年，全县完成造林3万亩。", "全县造林综述\n2024年，全县完成造林3万亩。"),     # a date: a headline
    ("一、存贷款情况\n9月末，存款余额386亿元。", "一、存贷款情况\n9月末，存款余额386亿元。"),
    # a list written one item a line (a name, a spaced figure) keeps its breaks; a bare number
    # before a line that opens with its unit is a wrap
    ("排名前三位的是：\n东城区 312.5亿元，增长10.6%\n临河县 168.3亿元，增长12.8%",
     "排名前三位的是：\n东城区 312.5亿元，增长10.6%\n临河县 168.3亿元，增长12.8%"),
    ("村庄绿化完成栽植 9220 亩，为年度任务 580\n亩的 15.9 倍。", "村庄绿化完成栽植 9220 亩，为年度任务 580亩的 15.9 倍。"),
    ("完成。\n3. 5万亩的任务", "完成。\n3. 5万亩的任务"),
    ("工作如下：\n1. 2024年完成", "工作如下：\n1. 2024年完成"),
    # a table copied from a web page with | between its cells keeps its rows; prose with a | does not
    ("序号 | 单位 | 办结率 | 满意率 |\n1 | 市住建局 | 99.8% | 91.2% |\n2 | 市人社局 | 99.6% | 98.7% |",
     "序号 | 单位 | 办结率 | 满意率 |\n1 | 市住建局 | 99.8% | 91.2% |\n2 | 市人社局 | 99.6% | 98.7% |"),
    ("| 单位 | 满意率 |\n| 市住建局 | 91.2% |", "| 单位 | 满意率 || 市住建局 | 91.2% |"),
    ("", ""),
]


@pytest.mark.parametrize("original,flat", CASES)
def test_reflow(original, flat):
    assert reflow(original).text == flat


@pytest.mark.parametrize("original,_", CASES)
def test_every_reflowed_character_maps_to_the_same_original_character(original, _):
    f = reflow(original)
    for i, ch in enumerate(f.text):   # (a no-break or thin space is written " ")
        assert original[f.orig_offset(i)] == ch or (ch == " " and original[f.orig_offset(i)] in "\u00a0\u2009\u202f")


@pytest.mark.parametrize("text,line,col", [
    ("第一行\n育苗总量达9.97\n亿株", 2, 6),
    ("满意率为\n\n\n100%", 4, 1),
    ("　　一行\n二行的约 3 公\n里", 2, 6),
])
def test_line_and_column_are_those_of_the_original_file(text, line, col):
    rec = quantities_text(text)[0]
    assert (rec.line, rec.column) == (line, col)


# a table copied from a web page, one cell a line: its header and its rows are written as rows
HOTLINE = "表1 各区县办理情况\n区县\n派单量\n按时办结率\n回访满意率\n海城区\n5860件\n99.1%\n96.8%\n港湾区\n4930件\n—\n95.7%\n\n西礁县满意率未达标。"
VERTICAL = [
    (HOTLINE, "表1 各区县办理情况\n区县\t派单量\t按时办结率\t回访满意率\n海城区\t5860件\t99.1%\t96.8%\n"
              "港湾区\t4930件\t—\t95.7%\n\n西礁县满意率未达标。"),
    # a last column of notes: empty (a blank line) or words; a header cell with a colon
    ("单位：亩\n乡镇\n人工造林\n其中：补植\n备注\n城关镇\n600\n200\n\n白岩镇\n1500\n300\n含石漠化治理区\n龙潭乡\n900\n100\n\n",
     "单位：亩\n乡镇\t人工造林\t其中：补植\t备注\n城关镇\t600\t200\t\n白岩镇\t1500\t300\t含石漠化治理区\n龙潭乡\t900\t100\t\n"),
    # rows that open with their number under 序号
    ("序号\n承办单位\n交办量\n满意率\n1\n县住建局\n486\n89.1%\n2\n县人社局\n312\n95.6%\n",
     "序号\t承办单位\t交办量\t满意率\n1\t县住建局\t486\t89.1%\n2\t县人社局\t312\t95.6%\n"),
    # a space between a figure and its unit, as a PDF writes it
    ("区县\n派单量\n满意率\n海城区\n5860 件\n96.8%\n港湾区\n4930 件\n95.7%\n",
     "区县\t派单量\t满意率\n海城区\t5860 件\t96.8%\n港湾区\t4930 件\t95.7%\n"),
    # a header label may hold a date (2025年目标): a label, not a figure
    ("镇名\n2025年目标\n已完成\n东镇\n1200亩\n1100亩\n西镇\n800亩\n800亩\n",
     "镇名\t2025年目标\t已完成\n东镇\t1200亩\t1100亩\n西镇\t800亩\t800亩\n"),
    # a title line before the header, \r\n endings: each break is two tabs
    ("各镇完成情况\r\n镇名\r\n任务\r\n已完成\r\n东镇\r\n1200亩\r\n1100亩\r\n西镇\r\n800亩\r\n800亩\r\n",
     "各镇完成情况\r\n镇名\t\t任务\t\t已完成\r\n东镇\t\t1200亩\t\t1100亩\r\n西镇\t\t800亩\t\t800亩\r\n"),
]


@pytest.mark.parametrize("text", [
    # one row only, a row whose cells are not all figures, prose wrapped short: no table
    "区县\n派单量\n满意率\n海城区\n5860件\n96.8%\n\n下一步工作",
    "区县\n派单量\n满意率\n海城区\n5860件\n96.8%\n港湾区\n较多\n95.7%\n",
    "今年以来全县\n坚持生态优先\n绿色发展理念\n完成人工造林\n3.5万亩\n封山育林\n2万亩\n义务植树\n50万株\n成效明显\n",
])
def test_short_lines_that_are_no_table_are_left_to_reflow(text):
    assert "\t" not in reflow(text).text


@pytest.mark.parametrize("original,flat", VERTICAL)
def test_a_table_written_one_cell_a_line_is_read_as_rows(original, flat):
    f = reflow(original)
    assert f.text == flat
    for i, ch in enumerate(f.text):   # a tab stands where a line break was
        assert original[f.orig_offset(i)] == ch or (ch == "\t" and original[f.orig_offset(i)] in "\r\n")


def test_a_figure_in_a_table_written_one_cell_a_line_keeps_its_line():
    got = [(r.line, r.column, r.text) for r in quantities_text(HOTLINE) if r.unit == "%"]
    assert got == [(8, 1, "99.1%"), (9, 1, "96.8%"), (13, 1, "95.7%")]


@pytest.mark.parametrize("text", ["共有1 200亩，造林9. 97万亩\n和1 000 000元，再5亩", "共有1 200亩，造林9. 97万亩\r\n和1 000 000元，再5亩"])
def test_line_and_column_after_the_stray_spaces_taken_out(text):
    got = [(r.line, r.column, r.value) for r in quantities_text(text)]
    assert got == [(1, 3, 1200), (1, 12, 99700), (2, 2, 1000000), (2, 14, 5)]


@pytest.mark.parametrize("text,expected", [
    # a hard wrap cut a figure whose thousands are parted by a space: read once the lines are joined
    ("全年新增发放小额信贷4 26\n0万元，惠及脱贫户", [(1, 11, 42600000)]),
    ("培育樟子松等苗木1 2\n40万株，出圃465万株", [(1, 9, 12400000), (2, 8, 4650000)]),
    ("全县共储备造林苗木1\n 260万株，其中", [(1, 10, 12600000)]),
    ("农业银行发放林草贷2. 1\n5亿元", [(1, 10, 215000000)]),
    # a space in a line of its own that no join touches stays: two figures, as before
    ("编号 3\n共有200人", [(2, 3, 200)]),
    # an annex number is no figure cut by the break: 附件1 / 2025年… stay apart
    ("附件1\n2025年各县任务分解表\n城关区任务3200万元", [(3, 6, 32000000)]),
])
def test_a_figure_cut_by_a_wrap_loses_its_stray_space(text, expected):
    assert [(r.line, r.column, r.value) for r in quantities_text(text)] == expected


def test_no_reflow_keeps_lines_apart():
    assert quantities_text("育苗总量达9.97\n亿株", reflow=False) == []
    assert identity("a\nb").line_col(2) == (2, 1)


def _wrap(text: str, width: int, rnd) -> str:
    """Hard-wrap every paragraph at `width` characters, with a column break (blank line)
    after some full lines, as text extracted from a newspaper PDF is."""
    out = []
    for para in text.split("\n"):
        para = para.strip()
        if para:
            lines = [para[i:i + width] for i in range(0, len(para), width)]
            out.append("\n".join(l + ("\n" if len(l) == width and rnd.random() < 0.08 else "") for l in lines))
    return "\n\n".join(out)


@pytest.mark.parametrize("width,seed", [(12, 1), (17, 2), (23, 3), (31, 4)])
def test_rewrapping_an_issue_changes_no_record(width, seed):
    import random
    from collections import Counter

    from gazette_cli import extract_text
    from .conftest import SAMPLE

    flat = reflow(SAMPLE.read_text(encoding="utf-8")).text
    wrapped = _wrap(flat, width, random.Random(seed))
    key = lambda r: (r.value, r.unit, r.qualifier, r.text.replace(" ", ""))
    assert Counter(map(key, quantities_text(wrapped))) == Counter(map(key, quantities_text(flat)))
    mkey = lambda r: (r.metric, r.value, r.qualifier or "")
    assert sorted(map(mkey, extract_text(wrapped))) == sorted(map(mkey, extract_text(flat)))


_MESSY = ["育苗总量达9.", "97亿株，", "8 400亩", "3 120人，", "9. 97亿株", "12 000 亩", "1 县水务局 38 36 76.32%", "3、",
          "3、亩，", "2、;封山", "第2版", "清源日报  2025年3月5日  星期三  第2版", "（下转第2版）", "- 7 -", "5000\u00a0亩",
          "8\u2009400万株", "这是一段很长很长的文字内容啊非常长", "一、主要任务", "工作取得新成效。", "补植3", "0至50株",
          "  缩进", "", "x", "１２，３４５元"]
_BREAKS = ["\n"] * 8 + ["\r\n", "\r", "\f", "\n\n", "\n\f"]


@pytest.mark.parametrize("seed", range(6))
def test_messy_text_maps_back_character_for_character(seed):
    """Every character of the flow of messy text (stray spaces taken out, markers passed
    over, odd spaces written " ") is the character of the original it maps to, in order."""
    import random

    rnd = random.Random(seed)
    for _ in range(400):
        text = "".join(rnd.choice(_MESSY) + rnd.choice(_BREAKS) for _ in range(rnd.randint(1, 25)))
        f = reflow(text)
        last = -1
        for i, ch in enumerate(f.text):
            o = f.orig_offset(i)
            assert o > last, repr(text)
            last = o
            c = text[o]
            assert c == ch or (ch == " " and c in "\u00a0\u2009\u202f") or (ch == "\n" and c in "\r\f"), repr(text)
