"""The compliance detector: a brand's rules compiled once, then applied to messages fast.

Text is first folded, character for character so offsets survive: full-width to half-width and
other compatibility forms (NFKC), traditional to simplified Chinese (OpenCC), upper to lower case.
Keywords are then matched, all at once (Aho-Corasick), on the folded text with everything but
letters and digits removed, so "加 V 💗 信" and "私-下-转-账" read as what they are. Patterns run
as one RE2 set (linear time whatever a brand writes) on the folded text; detectors find mainland
mobile numbers, ID numbers with a valid check digit and card numbers passing Luhn, through spaces,
dashes, full-width and Chinese digits.

A hit does not count when an allow-listed phrase or one of the rule's exceptions contains it
(滚动 is not 滚), when a negation just before it says the opposite (我们不接受私下转账), or, for
numbers, when it sits in an order or tracking number. Pure Python apart from those libraries; no
Django, so the benchmark compiles synthetic rule sets the same way brands' rules are.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import ahocorasick
import re2
from stdnum import luhn
from stdnum.cn import ric

REP, CUSTOMER, BOTH = "rep", "customer", "both"
KEYWORDS, PATTERN, DETECTOR = "keywords", "pattern", "detector"
MOBILE, ID_CARD, BANK_CARD = "mobile", "id_card", "bank_card"

_SEPARATORS = re.compile(r"[\W_]+")
_CLAUSE_END = re.compile(r"[，。！？；,.!?;\n…]")
_NEGATIONS = (
    "不要",
    "不会",
    "不能",
    "不可以",
    "不可",
    "不接受",
    "不允许",
    "不支持",
    "不提供",
    "不做",
    "不用",
    "禁止",
    "严禁",
    "切勿",
    "请勿",
    "勿",
    "别",
    "没有",
    "拒绝",
    "杜绝",
    "不得",
    "无法",
    "不",
    "从不",
    "绝不",
)
_FILLERS = (
    "任何",
    "进行",
    "您",
    "你",
    "给",
    "跟",
    "和",
    "与",
    "去",
    "再",
    "在",
    "做",
    "搞",
    "私自",
    "保证",
    "承诺",
    "确保",
    "转到",
    "转给",
    "打到",
    "转",
)
_NUMBER_RUN = re.compile(r"(?<![0-9a-z])[0-9](?:[\s\-‐–—_.·,，、/]*[0-9]){6,22}(?:[\s-]*x)?(?![0-9a-z])")
_ORDER_CONTEXT = ("订单", "单号", "运单", "快递", "物流", "编号", "工号", "流水", "券码", "批号", "条码", "型号")
_CHINESE_DIGITS = str.maketrans("零〇一二三四五六七八九幺两", "0012345678912")
_CARD_PREFIX = re.compile(r"^(62|4|5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)|3[47]|35)")


@cache
def _fold_table() -> dict[int, str]:
    """codepoint → the one character it folds to (built once per process, ~0.2 s)."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) != 1:
            folded = char  # multi-character expansions would move offsets; keep as is
        if "\u3400" <= folded <= "\u9fff" or "\uf900" <= folded <= "\ufaff":
            simplified = to_simplified.convert(folded)
            folded = simplified if len(simplified) == 1 else folded
        lowered = folded.lower()
        folded = lowered if len(lowered) == 1 else folded
        if folded != char:
            table[code] = folded
    return table


def fold(text: str) -> str:
    """Same length as the text, each character folded: full-width, traditional, case."""
    return text.translate(_fold_table())


def skeleton(folded: str) -> str:
    return _SEPARATORS.sub("", folded)


def _kept_positions(folded: str) -> list[int]:
    """Index in the text of each skeleton character (only computed when something matched)."""
    return [i for i, char in enumerate(folded) if char.isalnum()]


@dataclass(frozen=True)
class RuleSpec:
    id: int
    name: str
    category: str
    severity: str
    kind: str = KEYWORDS
    keywords: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    pattern: str = ""
    detector: str = ""
    applies_to: str = REP
    skip_negated: bool = True


@dataclass(frozen=True)
class Hit:
    rule: RuleSpec
    start: int  # span in the original text
    end: int
    matched: str
    reason: str


def pattern_error(pattern: str) -> str | None:
    """Why RE2 refuses a pattern (None if it compiles)."""
    try:
        re2.compile(pattern)
    except re2.error as error:
        return str(error)
    return None


def keyword_skeleton(keyword: str) -> str:
    return skeleton(fold(keyword))


@dataclass
class _Compiled:
    keywords: ahocorasick.Automaton | None = None
    shields: ahocorasick.Automaton | None = None  # exceptions and allow-listed phrases
    pattern_set: re2.Set | None = None
    pattern_rules: list[tuple[RuleSpec, object]] = field(default_factory=list)
    detectors: list[RuleSpec] = field(default_factory=list)
    allowed_numbers: frozenset[str] = frozenset()


class RuleSet:
    """A brand's enabled rules and allow list, compiled for scanning."""

    def __init__(self, rules: list[RuleSpec], allow: list[str] = ()):
        self.rules = [rule for rule in rules]
        compiled = _Compiled()
        keywords = ahocorasick.Automaton()
        shields = ahocorasick.Automaton()
        shield_entries: dict[str, list[int | None]] = {}
        keyword_entries: dict[str, list[tuple[RuleSpec, str]]] = {}
        for rule in rules:
            if rule.kind == KEYWORDS:
                for word in rule.keywords:
                    key = keyword_skeleton(word)
                    if key:
                        keyword_entries.setdefault(key, []).append((rule, word))
                for word in rule.exceptions:
                    key = keyword_skeleton(word)
                    if key:
                        shield_entries.setdefault(key, []).append(rule.id)
            elif rule.kind == PATTERN and rule.pattern:
                compiled.pattern_rules.append((rule, re2.compile(rule.pattern)))
            elif rule.kind == DETECTOR and rule.detector:
                compiled.detectors.append(rule)
        for phrase in allow:
            key = keyword_skeleton(phrase)
            if key:
                shield_entries.setdefault(key, []).append(None)  # None: shields every rule
        compiled.allowed_numbers = frozenset(d for d in (re.sub(r"\D", "", fold(p)) for p in allow) if len(d) >= 7)
        for key, entries in keyword_entries.items():
            keywords.add_word(key, (len(key), tuple(entries)))
        for key, entries in shield_entries.items():
            shields.add_word(key, (len(key), tuple(entries)))
        if keyword_entries:
            keywords.make_automaton()
            compiled.keywords = keywords
        if shield_entries:
            shields.make_automaton()
            compiled.shields = shields
        if compiled.pattern_rules:
            pattern_set = re2.Set.SearchSet()
            for _rule, regex in compiled.pattern_rules:
                pattern_set.Add(regex.pattern)
            pattern_set.Compile()
            compiled.pattern_set = pattern_set
        self._c = compiled

    # --- scanning ------------------------------------------------------------------------------

    def scan(self, text: str, direction: str = REP) -> list[Hit]:
        """The first hit of each rule that applies to a message sent in this direction."""
        if not text:
            return []
        folded = fold(text)
        candidates = self._candidates(text, folded)
        if not candidates:
            return []
        hits, seen = [], set()
        for hit in candidates:
            if hit.rule.id in seen or hit.rule.applies_to not in (direction, BOTH):
                continue
            seen.add(hit.rule.id)
            hits.append(hit)
        return hits

    def _candidates(self, text: str, folded: str) -> list[Hit]:
        c = self._c
        hits: list[Hit] = []
        skel = skeleton(folded) if c.keywords is not None else ""
        keyword_matches = list(c.keywords.iter(skel)) if c.keywords is not None and skel else []
        pattern_ids = c.pattern_set.Match(folded) if c.pattern_set is not None else []
        detect = bool(c.detectors) and sum(ch.isdigit() for ch in folded.translate(_CHINESE_DIGITS)) >= 7
        if not keyword_matches and not pattern_ids and not detect:
            return hits
        positions = _kept_positions(folded)
        shields = self._shields(skel or skeleton(folded), positions)
        for end, (length, entries) in keyword_matches:
            s_start, s_end = end - length + 1, end + 1
            start, stop = positions[s_start], positions[s_end - 1] + 1
            for rule, word in entries:
                if self._shielded(shields, rule, start, stop) or not _ascii_bounded(folded, start, stop):
                    continue
                if rule.skip_negated and _negated(folded, start):
                    continue
                hits.append(Hit(rule, start, stop, text[start:stop], f"关键词「{word}」"))
        for index in pattern_ids or ():
            rule, regex = c.pattern_rules[index]
            for match in regex.finditer(folded):
                start, stop = match.span()
                if stop == start or self._shielded(shields, rule, start, stop):
                    continue
                if rule.skip_negated and _negated(folded, start):
                    continue
                hits.append(Hit(rule, start, stop, text[start:stop], f"正则 {rule.pattern}"))
                break
        if detect:
            hits.extend(self._detect(text, folded, shields))
        return sorted(hits, key=lambda hit: hit.start)

    def _shields(self, skel: str, positions: list[int]) -> list[tuple[int, int, tuple]]:
        if self._c.shields is None:
            return []
        spans = []
        for end, (length, rule_ids) in self._c.shields.iter(skel):
            start = end - length + 1
            spans.append((positions[start], positions[end] + 1, rule_ids))
        return spans

    @staticmethod
    def _shielded(shields, rule: RuleSpec, start: int, stop: int) -> bool:
        return any(a <= start and stop <= b and (None in ids or rule.id in ids) for a, b, ids in shields)

    def _detect(self, text: str, folded: str, shields) -> list[Hit]:
        digits_view = folded.translate(_CHINESE_DIGITS)
        hits = []
        for match in _NUMBER_RUN.finditer(digits_view):
            start, stop = match.span()
            number = re.sub(r"[^0-9x]", "", match.group())
            if number.rstrip("x") in self._c.allowed_numbers or _in_order_context(folded, start):
                continue
            for rule in self._c.detectors:
                label = _detected(rule.detector, number)
                if label and not self._shielded(shields, rule, start, stop):
                    hits.append(Hit(rule, start, stop, text[start:stop], f"{label} {_masked(number)}"))
        return hits


def _ascii_bounded(folded: str, start: int, stop: int) -> bool:
    """A keyword starting or ending with a Latin letter or digit must not run into another one
    (vx is not the vx of "vxyz123")."""
    before = folded[start - 1] if start else ""
    after = folded[stop] if stop < len(folded) else ""
    first, last = folded[start], folded[stop - 1]
    if first.isascii() and first.isalnum() and before.isascii() and before.isalnum():
        return False
    return not (last.isascii() and last.isalnum() and after.isascii() and after.isalnum())


def _negated(folded: str, start: int) -> bool:
    """A negation right before the hit, in the same clause (我们不接受 / 千万别 …)."""
    clause_start = 0
    for match in _CLAUSE_END.finditer(folded, 0, start):
        clause_start = match.end()
    before = skeleton(folded[clause_start:start])
    for _ in range(2):
        filler = next((f for f in _FILLERS if before.endswith(f)), None)
        if filler is None:
            break
        before = before[: -len(filler)]
    return before.endswith(_NEGATIONS)


def _in_order_context(folded: str, start: int) -> bool:
    return any(word in folded[max(0, start - 8) : start] for word in _ORDER_CONTEXT)


def _detected(detector: str, number: str) -> str | None:
    digits = number.rstrip("x")
    if detector == MOBILE:
        local = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
        if len(local) == 11 and re.fullmatch(r"1[3-9]\d{9}", local) and "x" not in number:
            return "大陆手机号"
    elif detector == ID_CARD:
        if len(number) == 18 and ric.is_valid(number.upper()):
            return "身份证号（校验位正确）"
    elif detector == BANK_CARD and _is_card_number(number):
        return "银行卡号（Luhn 校验通过）"
    return None


def _is_card_number(number: str) -> bool:
    return "x" not in number and 16 <= len(number) <= 19 and bool(_CARD_PREFIX.match(number)) and luhn.is_valid(number)


def _masked(number: str) -> str:
    return number[:3] + "*" * max(0, len(number) - 7) + number[-4:] if len(number) > 7 else number
