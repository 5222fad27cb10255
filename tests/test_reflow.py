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
    ("", ""),
]


@pytest.mark.parametrize("original,flat", CASES)
def test_reflow(original, flat):
    assert reflow(original).text == flat


@pytest.mark.parametrize("original,_", CASES)
def test_every_reflowed_character_maps_to_the_same_original_character(original, _):
    f = reflow(original)
    for i, ch in enumerate(f.text):
        assert original[f.orig_offset(i)] == ch


@pytest.mark.parametrize("text,line,col", [
    ("第一行\n育苗总量达9.97\n亿株", 2, 6),
    ("满意率为\n\n\n100%", 4, 1),
    ("　　一行\n二行的约 3 公\n里", 2, 6),
])
def test_line_and_column_are_those_of_the_original_file(text, line, col):
    rec = quantities_text(text)[0]
    assert (rec["line"], rec["column"]) == (line, col)


def test_no_reflow_keeps_lines_apart():
    assert quantities_text("育苗总量达9.97\n亿株", reflow=False) == []
    assert identity("a\nb").line_col(2) == (2, 1)
