"""The detector on its own: evasions it sees through, near-misses it leaves alone, numbers it
validates, patterns that cannot hang it."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.compliance.engine import BANK_CARD as CARD
from apps.compliance.engine import (
    BOTH,
    DETECTOR,
    ID_CARD,
    MOBILE,
    PATTERN,
    RuleSet,
    RuleSpec,
    pattern_error,
)

PRIVATE = RuleSpec(1, "私单", "private_order", "high", keywords=("私下转账", "加我v信", "加我vx", "加我薇信"))
INSULT = RuleSpec(
    2, "辱骂", "insult", "high", keywords=("滚", "神经", "sb"), exceptions=("滚动", "神经酰胺"), skip_negated=False
)
PHONE = RuleSpec(3, "手机号", "personal_data", "medium", kind=DETECTOR, detector=MOBILE)
ID = RuleSpec(4, "身份证", "personal_data", "high", kind=DETECTOR, detector=ID_CARD, applies_to=BOTH)
BANK = RuleSpec(5, "银行卡", "personal_data", "high", kind=DETECTOR, detector=CARD)
PROMISE = RuleSpec(6, "承诺", "forbidden_promise", "high", kind=PATTERN, pattern=r"保证(有效|回本)")
RULES = RuleSet([PRIVATE, INSULT, PHONE, ID, BANK, PROMISE], allow=["官方小程序", "400-888-1234", "13800138000"])


def rules_hit(text, direction="rep"):
    return [(hit.rule.name, hit.matched) for hit in RULES.scan(text, direction)]


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("私下转账", "私下转账"),
        ("私下轉賬", "私下轉賬"),  # traditional
        ("ｓ私下转账", "私下转账"),
        ("私 下 转 账", "私 下 转 账"),  # spaces
        ("私-下-转-账", "私-下-转-账"),  # punctuation
        ("私💰下💰转💰账", "私💰下💰转💰账"),  # emoji
        ("加我Ｖ信", "加我Ｖ信"),  # full-width Latin
        ("加我 V 信", "加我 V 信"),
        ("加我VX：abc", "加我VX"),
        ("加我薇信", "加我薇信"),  # a homophone the rule lists
    ],
)
def test_evasions_are_seen_through_and_the_original_text_is_highlighted(text, matched):
    assert rules_hit(text) == [("私单", matched)]


@pytest.mark.parametrize(
    "text",
    [
        "滚动页面领券",
        "神经酰胺面霜",
        "我们不接受私下转账",
        "千万不要私下转账",
        "加我vxyz",
        "订单号 13812345678901",
        "快递单号SF13812345678",
        "售后热线 400-888-1234",
        "官方号码13800138000",
        "身份证号 110105194912310021",
        "卡号 6222021234567890123",
        "会员编号 4111 1111 1111 1112",
        "请在官方小程序下单",
        "不能保证有效",
    ],
)
def test_near_misses_are_left_alone(text):
    assert rules_hit(text) == []


def test_a_negation_only_counts_in_its_own_clause():
    assert rules_hit("不要在官方下单，私下转账更便宜") == [("私单", "私下转账")]


def test_latin_keywords_need_a_boundary():
    assert rules_hit("你个SB") == [("辱骂", "SB")]
    assert rules_hit("SBC型号的面膜") == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("我电话13812345678", "手机号"),
        ("打 138-1234-5678", "手机号"),
        ("号码 １３８ １２３４ ５６７８", "手机号"),
        ("幺三八一二三四五六七八", "手机号"),
        ("+86 137 0000 1234", "手机号"),
        ("身份证11010519491231002X", "身份证"),
        ("卡号6222 0212 3456 7890 128", "银行卡"),
    ],
)
def test_numbers_are_found_through_separators_and_validated(text, rule):
    assert [name for name, _matched in rules_hit(text)] == [rule]


def test_rules_apply_to_the_side_they_name():
    assert rules_hit("我手机13812345678", direction="customer") == []  # customers may share their own number
    assert rules_hit("身份证11010519491231002X", direction="customer") == [("身份证", "11010519491231002X")]


def test_each_rule_reports_its_first_hit_once():
    hits = RULES.scan("私下转账，私下转账，滚", "rep")
    assert [(hit.rule.name, hit.start) for hit in hits] == [("私单", 0), ("辱骂", 10)]


def test_invalid_patterns_are_explained_and_none_can_hang():
    assert "missing" in pattern_error("(unclosed")
    assert pattern_error(r"(?<=x)y")  # look-behind: not in RE2's linear-time language
    evil = RuleSet([RuleSpec(9, "evil", "insult", "low", kind=PATTERN, pattern=r"(a+)+$")])
    started = time.perf_counter()
    assert evil.scan("a" * 50_000 + "!") == []
    assert time.perf_counter() - started < 1  # backtracking engines take hours on this


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("私下转账加我v信滚动神经酰胺1386-5 ，。保证有效\n")), max_size=25),
        min_size=1,
        max_size=12,
    )
)
def test_a_batch_finds_exactly_what_one_message_at_a_time_finds(texts):
    anchored = RuleSet(
        [*RULES.rules, RuleSpec(7, "开头", "insult", "low", kind=PATTERN, pattern=r"^滚$")], allow=["官方小程序"]
    )
    directions = ["rep"] * len(texts)
    expected = [[(h.rule.id, h.start, h.end) for h in anchored.scan(t, "rep")] for t in texts]
    batch = [[(h.rule.id, h.start, h.end) for h in hits] for hits in anchored.scan_many(texts, directions)]
    assert batch == expected
