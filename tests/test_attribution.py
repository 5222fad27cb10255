"""Attribution beyond the clause: scope over lists, table columns, topic evidence, the noun a
figure sizes, and explain's reasons. Each row: a text, a metric, and every value the default
rules report for that metric in it, in order (so a row fails on a miss and on an extra)."""
import pytest

from gazette_cli import extract_text, explain_text, load_rules

RULES = load_rules()

CASES = [
    # --- a list under one governing phrase
    ("防沙治沙五年共完成人工造林120万亩、封山（沙）育林草80万亩、沙化草地治理60万亩、工程固沙10万亩、小流域综合治理5万亩。",
     "afforestation_area", [1200000, 800000, 600000, 100000, 50000]),
    ("全年新造林3.05万亩（其中：退耕还林项目0.5万亩，国家储备林项目1.8万亩），完成森林抚育1万亩。",
     "afforestation_area", [30500, 5000, 18000]),
    ("上级下达的造林任务为3万亩，而县里自定的任务是5万亩。", "afforestation_area", [30000, 50000]),
    ("甲镇1200亩、乙镇800亩、丙镇600亩等5个乡镇完成造林。", "afforestation_area", [1200, 800, 600]),
    # a list that changes subject halfway; figures of other things after the keyword
    ("完成造林3万亩，森林抚育5万亩、低效林改造2万亩，新建高标准农田4万亩。", "afforestation_area", [30000]),
    ("完成造林后，全县森林面积达到120万亩，较上年增长3万亩。", "afforestation_area", []),
    ("综合治理水土流失面积4.8万平方公里，修复湿地3000亩。", "afforestation_area", []),
    ("造林，投入资金3000万元、带动就业200人。", "afforestation_area", []),
    # --- a breakdown after a colon
    ("（3）城区义务植树共计:420亩,3.2万株,0.9万人参加。", "afforestation_area", [420]),
    ("（3）城区义务植树共计:420亩,3.2万株,0.9万人参加。", "seedling_count", [32000]),
    # --- species lists
    ("共培育各类苗木800万株，其中：云杉300万株，可出圃120万株；油松150万株，可出圃60万株。",
     "seedling_count", [8000000, 3000000, 1200000, 1500000, 600000]),
    ("干部群众栽植国槐、白蜡、银杏、紫薇、法桐等树种5.6万株，造林约1500亩。", "seedling_count", [56000]),
    ("全市可出圃苗木总量能够满足需求，但乡土灌木苗木尚有约120万株缺口。", "seedling_count", []),
    ("共抽取苗木样本3600株，合格率98%。", "seedling_count", []),
    # --- topic: a table under a heading about seedlings; not under one about pests
    ("二、主要树种育苗情况\n云杉 300万株\n油松 150万株\n", "seedling_count", [3000000, 1500000]),
    ("二、松材线虫病防治\n清理病死松树 2.3万株\n", "seedling_count", []),
    # --- loans: banks listed after the total, the amount before a long modifier
    ("现场签约授信总额120亿元，其中农业银行50亿元、建设银行30亿元、工商银行40亿元。",
     "loan_amount", [12000000000, 5000000000, 3000000000, 4000000000]),
    ("争取50亿元纾困专项资金贷款。", "loan_amount", [5000000000]),
    ("各项贷款余额1200亿元，较年初增加150亿元，同比增长12%。", "loan_amount", [120000000000]),
    ("设立3000万元中小微企业贷款风险补偿资金池，配套设立2亿元应急转贷资金。", "loan_amount", []),
    ("共发放创业担保贷款1862笔、3.27亿元，完成市定2.8亿元目标任务的116.8%。其中：个人贷款1790笔、2.54亿元。",
     "loan_amount", [327000000, 280000000, 254000000]),
    # --- satisfaction: thresholds, lists of rates, other rates next to it
    ("对承办单位的群众满意率进行考核，考核的最低标准为90%。", "satisfaction_rate", [90]),
    ("满意度排在前三位的是：公共交通93.84%、公共文化92.71%、基本社会服务92.15%。",
     "satisfaction_rate", [93.84, 92.71, 92.15]),
    ("确保按时办结率不低于98%、群众满意率稳定在92%以上，回复率达到100%。", "satisfaction_rate", [92]),
    ("受访群众表示“非常满意”和“满意”的占83.65%，表示“基本满意”的占7.72%，表示“不满意”的占2.41%。",
     "satisfaction_rate", [83.65]),
    ("第三方测评中，93.4%的受访群众对政务服务表示满意。", "satisfaction_rate", [93.4]),
    # --- columns of a flattened table
    ("承办单位 转派量 办结量 按时办结率 回复率 满意率\n县住建局 238 236 99.16% 100% 93.64%\n城关镇 186 181 97.31% 100% 91.89%\n",
     "satisfaction_rate", [93.64, 91.89]),
    ("机构名称  贷款余额  较年初增加  增速\n农业银行  58.62亿元  4.31亿元  7.9%\n工商银行  31.07亿元  2.15亿元  7.4%\n",
     "loan_amount", [5862000000, 3107000000]),
    ("项目名称 任务量 单位\n人工造林 5000 亩\n封山育林 12000 亩\n森林抚育 8000 亩\n", "afforestation_area", [5000, 12000]),
    # --- unless: planting densities and stocks are vetoed, quotas per person are not
    ("按每亩平均用苗110株测算，约需苗木702万株；补植补造按每亩25株测算，共需苗木约200万株。",
     "seedling_count", [7020000, 2000000]),
    ("全市适龄公民每人每年义务植树5株，城镇居民每户不少于2株。", "seedling_count", [5, 2]),
    ("栽植樟子松容器苗12万株，每穴2至3株，株行距2米×3米。", "seedling_count", [120000]),
    ("全县尚有中度以上石漠化土地21.4万亩，今年完成石漠化治理1.2万亩。", "afforestation_area", [12000]),
    # --- a numbered lead phrase governs the sentence after it
    ("（二）普惠小微贷款。余额36.8亿元，同比增长19.7%，一季度增加2.9亿元。\n（三）创业担保贷款。一季度新发放6840万元、391笔，完成全年2.5亿元任务的27.4%。",
     "loan_amount", [3680000000, 68400000, 250000000]),
    # --- a column headed only 金额 under a caption about loans; a total row
    ("创业担保贷款任务分解见下表。\n经办银行   任务金额   扶持人数\n县农商银行   9000万元   500人\n邮储银行   5000万元   280人\n合计   1.4亿元   780人\n",
     "loan_amount", [90000000, 50000000, 140000000]),
    ("创业补贴发放情况见下表。\n单位   补贴金额   人数\n城关镇   42万元   210人\n东关镇   18万元   90人\n", "loan_amount", []),
    ("项目 完成面积 占年度任务\n人工造林 9.6万亩 73.8%\n封山育林 11.2万亩 70%\n合计 20.8万亩 72%\n",
     "afforestation_area", [96000, 112000, 208000]),
    ("项目 完成面积\n森林抚育 9.6万亩\n低效林改造 5万亩\n合计 14.6万亩\n", "afforestation_area", []),
    # --- respectively: the k-th measure takes the k-th figure; an item without a measure shares the next one's
    ("全市群众安全感满意率、平安建设知晓率、参与率分别为97.3%、86.4%、52.8%。", "satisfaction_rate", [97.3]),
    ("城镇居民安全感、满意度分别为96.8%、95.9%。", "satisfaction_rate", [95.9]),
    ("城镇和农村居民满意度分别为95.1%、96.3%。", "satisfaction_rate", [95.1, 96.3]),
    ("按时办结率、回复率、满意率均为100%。", "satisfaction_rate", [100]),
    ("政策知晓率和群众满意率分别为91.6%。", "satisfaction_rate", []),
    # kinds of work before 分别: each takes its figure, tending keeps its own out
    ("全县完成人工造林、封山育林、退化林修复、森林抚育分别为1.62万亩、2.8万亩、1.15万亩、4.6万亩，分别占计划任务的111%、100%、104%、102%。",
     "afforestation_area", [16200, 28000, 11500]),
    ("全县森林抚育、人工造林分别为4.6万亩、1.2万亩。", "afforestation_area", [12000]),
    # items that name no measure at all (places) leave the figures to the other tests
    ("东乡、西乡分别完成造林2.1万亩、1.8万亩。", "afforestation_area", [21000, 18000]),
    # --- scope.through: a breakdown that opens its own sentence with 其中
    ("现场签约授信总额86亿元。其中，农业银行32亿元、建设银行28亿元；县财政安排贴息资金860万元。",
     "loan_amount", [8600000000, 3200000000, 2800000000]),
    ("今年全县完成营造林5.6万亩。其中，东乡2.1万亩，西乡1.8万亩，森林抚育1.7万亩。",
     "afforestation_area", [56000, 21000, 18000]),
    # …or a breakdown lead on the next line, with or without a 。 before the break
    ("全县春季造林完成13800亩。\n按树种分：杨树纯林面积12060亩，占87.4%；柽柳180亩，占1.3%。\n",
     "afforestation_area", [13800, 12060, 180]),
    ("全县春季造林完成13800亩\n按树种分：杨树纯林面积12060亩；柽柳180亩\n", "afforestation_area", [13800, 12060, 180]),
    # echo: a title line repeating a figure the rule claimed in the body takes its metric
    ("腾格里沙漠东缘再添6.8万亩“绿色屏障”\n\n今年以来，全旗完成工程固沙6.8万亩，设置沙障2.1万亩。\n",
     "afforestation_area", [68000, 68000, 21000]),
    ("荒漠再添5万亩绿色\n\n今年以来，全旗完成工程固沙6.8万亩。\n", "afforestation_area", [68000]),
    ("全县森林抚育6.8万亩\n\n今年以来，全旗完成工程固沙6.8万亩。\n", "afforestation_area", [68000]),
    # a table row is not a title: its column says what the figure is
    ("全县完成封山育林800亩。\n村别    封山育林    中幼林抚育\n桥头村  800亩       800亩\n", "afforestation_area", [800, 800]),
    ("沙区再添6.8万亩绿色\n\n今年全县完成工程固沙6.8万亩，占任务的105%，农田面积达到6.8万亩。\n",
     "afforestation_area", [68000, 68000]),
    # a line break before 其中 carries a list on too
    ("全县完成营造林5.6万亩。\n其中，东乡2.1万亩，西乡1.8万亩。", "afforestation_area", [56000, 21000, 18000]),
    # a list written one item a line, each a name, a spaced figure and its growth, no closing mark
    ("分县区看，贷款余额排名前三位的是：\n东城区 312.5亿元，同比增长10.6%\n临河县 168.3亿元，同比增长12.8%\n"
     "石门县 121.7亿元，同比增长8.9%\n增速最快的北山县贷款余额为64.2亿元。", "loan_amount", [312.5e8, 168.3e8, 121.7e8, 64.2e8]),
    # a web copy's ASCII full stop after a percentage ends the sentence: 14.6% is no satisfaction rate
    ("热线受理诉求3126件,回访满意率94.6%.从诉求类型看,农林水利类455件,占14.6%.全县有2个乡镇回访满意率低于全县平均水平.",
     "satisfaction_rate", [94.6]),
]


@pytest.mark.parametrize("text,metric,values", CASES, ids=[f"{m}:{t[:14]}" for t, m, _ in CASES])
def test_every_value_of_the_metric(text, metric, values):
    got = [r.value for r in extract_text(text, ruleset=RULES) if r.metric == metric]
    assert got == pytest.approx(values)


@pytest.mark.parametrize("width", [14, 19, 26])
def test_lists_survive_hard_wraps(width):
    """The same list wrapped as a PDF extraction wraps it gives the same records."""
    text = "防沙治沙五年共完成人工造林120万亩、封山（沙）育林草80万亩、沙化草地治理60万亩、工程固沙10万亩。"
    wrapped = "\n".join(text[i:i + width] for i in range(0, len(text), width))
    got = [r.value for r in extract_text(wrapped, ruleset=RULES)]
    assert got == [1200000, 800000, 600000, 100000]


def test_a_chunk_marker_between_number_and_unit():
    text = "全年完成营造林3.6万亩，其中人工造林0.2万\n3、\n亩，封山育林1万亩。\n"
    got = [(r.line, r.value) for r in extract_text(text, ruleset=RULES)]
    assert got == [(1, 36000), (1, 2000), (3, 10000)]


EXPLAINED = [
    ("全年完成造林5万亩，森林抚育3万亩。", "5万亩", "near 造林 (0)", []),
    ("防沙治沙共完成人工造林120万亩、沙化草地治理10万亩。", "10万亩", "scope 人工造林 (12)", []),
    ("完成造林任务后，全县又实施森林抚育5万亩。", "5万亩", None,
     ["afforestation_area.near: 造林 too far: 13 > before 12; scope of 造林 ended at '森林抚育'",
      "afforestation_area.next_clause: no pattern matched (keyword 造林 in the sentence)"]),
    ("为企业争取贷款贴息资金500万元。", "500万元", None,
     ["loan_amount.near: 贷款 does not count before '贴息' or after '争取' (not_before / not_after)",
      "loan_amount.amount_then_loan: no pattern matched (keyword 贷款 in the sentence)",
      "loan_amount.bank_signing: no keyword in the sentence",
      "loan_amount.count_then_total: no pattern matched (keyword 贷款 in the sentence)",
      "loan_amount.from_to: no pattern matched (keyword 贷款 in the sentence)"]),
    # a keyword near, but the rule's context is not met: said so, not blamed on something else
    ("市财政局全年发放生态护林员补贴。新发放1.55亿元。", "1.55亿元", None,
     ["loan_amount.issued_in_loan_notice: 新发放 near, but the document does not mention 贷款/授信/信贷 5 times (context)",
      "loan_amount.task_column: 发放 near, but the document does not mention 贷款/授信/信贷/放贷 (context)"]),
]


@pytest.mark.parametrize("text,quantity,reason,why_not", EXPLAINED, ids=[t[:10] for t, *_ in EXPLAINED])
def test_explain_says_why_and_why_not(text, quantity, reason, why_not):
    rec = next(r for r in explain_text(text, ruleset=RULES) if r.text == quantity)
    assert rec.reason == reason
    # one line per default rule in the quantity's unit, in file order: the lines named here
    # are there, in this order (a rule added to the pack adds its own line in between)
    got = rec.why_not
    assert [line for line in got if line in why_not] == why_not
    assert (got == []) == (why_not == [])


@pytest.mark.parametrize("text,claimed", [
    # a lead that ends in a colon, one item a line, each ending in a separator: one list
    ("全县新发放创业担保贷款3.2亿元，各经办银行发放情况为：\n县农商银行：1.6亿元；\n邮储银行：7000万元；\n农业银行：5000万元。\n"
     "全县投入财政资金300万元。", ["3.2亿元", "1.6亿元", "7000万元", "5000万元"]),
    # a line that ends a sentence ends the list
    ("全县新发放创业担保贷款3.2亿元。\n县农商银行：1.6亿元\n全县投入财政资金300万元。", ["3.2亿元"]),
])
def test_a_list_runs_on_over_lines_that_end_in_a_separator(text, claimed):
    assert [r.text for r in extract_text(text) if r.metric == "loan_amount"] == claimed
