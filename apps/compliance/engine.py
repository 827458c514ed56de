"""The compliance detector: a brand's rules compiled once, then applied to batches of messages.

Text is folded character for character, so offsets survive: full-width to half-width and other
compatibility forms (NFKC), traditional to simplified Chinese (OpenCC), upper to lower case.
Keywords are matched all at once (Aho-Corasick) on the folded text stripped of everything but
letters and digits, so "加 V 💗 信" and "私-下-转-账" read as what they are. Patterns run as one
RE2 set (linear time, whatever a brand writes) on the folded text; detectors find mainland
mobile numbers, ID numbers with a valid check digit and card numbers passing Luhn, through
spaces, dashes, full-width and Chinese digits.

A hit does not count when an allow-listed phrase or one of the rule's exceptions contains it
(滚动 is not 滚), when a negation just before it in the same clause says the opposite
(我们不接受私下转账), or, for numbers, when it sits in an order or tracking number.

A batch is joined into one text and folded through lookup tables with NumPy, so every pass —
folding, stripping, Aho-Corasick, the RE2 set, the number finder — runs in C over the whole batch;
Python only looks at the few places something matched. No Django here: the benchmark compiles
synthetic rule sets exactly as brands' rules are compiled.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

import ahocorasick_rs
import numpy as np
import re2
from stdnum import luhn
from stdnum.cn import ric

REP, CUSTOMER, BOTH = "rep", "customer", "both"
KEYWORDS, PATTERN, DETECTOR = "keywords", "pattern", "detector"
MOBILE, ID_CARD, BANK_CARD = "mobile", "id_card", "bank_card"

# Messages of a batch are joined with this: no keyword, number or pattern hit runs across it, and
# in multi-line mode ^ and $ still meet each message's ends.
_BOUNDARY = "\n\ue000\n"
_MARK = 0xE000
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
    "不需要",
    "无需",
    "不必",
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
    "私下",
    "的",
    "保证",
    "承诺",
    "确保",
    "转到",
    "转给",
    "打到",
    "转",
    "索要",
    "要求",
    "收取",
    "询问",
    "向",
    "让",
    "把",
    "将",
)
# Chinese digits too: 幺三八…, and the 大写 numerals of cheques and receipts (壹叁捌…).
_CHINESE_DIGIT_CHARS = "零〇一二三四五六七八九幺两壹贰叁肆伍陆柒捌玖"
_DIGIT = "0-9" + _CHINESE_DIGIT_CHARS
# 11 digits and more: the shortest number a detector knows (a mobile number)
_NUMBER_RUN = re.compile(rf"(?<![0-9a-z])[{_DIGIT}](?:[\s\-‐–—_.·,，、/]*[{_DIGIT}]){{10,22}}(?:[\s-]*x)?(?![0-9a-z])")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_ORDER_CONTEXT = ("订单", "单号", "运单", "快递", "物流", "编号", "工号", "流水", "券码", "批号", "条码", "型号")
_CHINESE_DIGITS = str.maketrans(_CHINESE_DIGIT_CHARS, "0012345678912123456789")
_SHORTEST_NUMBER = 11
_NEGATION_CHARS = frozenset("".join(_NEGATIONS))
_CARD_PREFIX = re.compile(r"^(62|4|5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)|3[47]|35)")


@cache
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fold, keep, digit): each code point's folded code point, whether that one is a letter or
    digit (kept in the skeleton), and whether it counts as a digit in a number (0-9, 幺三八…).
    Built once per process, ~0.5 s."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    fold = np.arange(sys.maxunicode + 1, dtype=np.uint32)
    keep = np.zeros(sys.maxunicode + 1, dtype=bool)
    digit = np.zeros(sys.maxunicode + 1, dtype=bool)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char) if not 0xD800 <= code <= 0xDFFF else char
        if len(folded) != 1:
            folded = char  # multi-character expansions would move offsets; keep as is
        if "\u3400" <= folded <= "\u9fff" or "\uf900" <= folded <= "\ufaff":
            simplified = to_simplified.convert(folded)
            folded = simplified if len(simplified) == 1 else folded
        lowered = folded.lower()
        folded = lowered if len(lowered) == 1 else folded
        fold[code] = ord(folded)
        keep[code] = folded.isalnum() or code == _MARK
        digit[code] = "0" <= folded <= "9" or folded in _CHINESE_DIGIT_CHARS
    return fold, keep, digit


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


def fold(text: str) -> str:
    """Same length as the text, each character folded: full-width, traditional, case."""
    return _text(_tables()[0][_codes(text)]) if text else ""


def skeleton(folded: str) -> str:
    """Only the letters and digits of folded text."""
    codes = _codes(folded)
    return _text(codes[_tables()[1][codes]]) if folded else ""


def keyword_skeleton(keyword: str) -> str:
    return skeleton(fold(keyword)).replace(chr(_MARK), "")


# A pattern that can match an empty span would flag every message; these probe for one.
_EMPTY_MATCH_PROBES = ("", "a", "加", "1", " ", "\n")


def pattern_error(pattern: str) -> str | None:
    """Why a pattern is refused: RE2 cannot compile it, or it matches empty text (None if fine)."""
    try:
        regex = re2.compile(f"(?m:{pattern})")
    except re2.error as error:
        return str(error)
    if any(match.end() == match.start() for probe in _EMPTY_MATCH_PROBES for match in regex.finditer(probe)):
        return "matches empty text / 会匹配空内容"
    return None


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
    start: int  # span in the original message
    end: int
    matched: str
    reason: str  # "keyword:<word>", "pattern:<regex>" or "<detector>:<masked number>": worded by the app


@dataclass
class _Batch:
    """A batch joined and folded, with the way back from a position to its message."""

    texts: list[str]
    folded: str
    kept: np.ndarray  # position in the joined text of each skeleton character
    skeleton: str
    starts: list[int]
    with_numbers: list[int]  # messages holding enough digits to hold a number a detector knows

    @classmethod
    def of(cls, texts: list[str]) -> _Batch:
        fold_table, keep_table, digit_table = _tables()
        codes = fold_table[_codes(_BOUNDARY.join(texts) + _BOUNDARY)]  # each message ends in a boundary
        kept = np.flatnonzero(keep_table[codes])
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + len(_BOUNDARY)
        starts = np.concatenate(([0], np.cumsum(lengths[:-1])))
        digits = np.add.reduceat(digit_table[codes].astype(np.int32), starts)
        with_numbers = np.flatnonzero(digits >= _SHORTEST_NUMBER).tolist()
        return cls(texts, _text(codes), kept, _text(codes[kept]), starts.tolist(), with_numbers)

    def message_of(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1

    def local(self, index: int, start: int, stop: int) -> tuple[int, int] | None:
        """A span of the joined text in its message's coordinates (None if it leaves the message)."""
        base = self.starts[index]
        if stop - base > len(self.texts[index]):
            return None
        return start - base, stop - base


class RuleSet:
    """A brand's enabled rules and allow list, compiled for scanning."""

    def __init__(self, rules: list[RuleSpec], allow: Iterable[str] = ()):
        self.rules = list(rules)
        self.detectors = [r for r in rules if r.kind == DETECTOR and r.detector]
        self.patterns = [(r, re2.compile(r.pattern)) for r in rules if r.kind == PATTERN and r.pattern]
        keyword_entries: dict[str, list[tuple[RuleSpec, str]]] = defaultdict(list)
        shield_entries: dict[str, list[int | None]] = defaultdict(list)
        for rule in rules:
            if rule.kind != KEYWORDS:
                continue
            for word in rule.keywords:
                if key := keyword_skeleton(word):
                    keyword_entries[key].append((rule, word))
            for word in rule.exceptions:
                if key := keyword_skeleton(word):
                    shield_entries[key].append(rule.id)
        for phrase in allow:
            if key := keyword_skeleton(phrase):
                shield_entries[key].append(None)  # None: shields every rule
        self.allowed_numbers = frozenset(d for d in (re.sub(r"\D", "", fold(p)) for p in allow) if len(d) >= 7)
        self.keywords, self.keyword_entries = _automaton(keyword_entries)
        self.shields, self.shield_entries = _automaton(shield_entries)
        self.pattern_set = None
        if self.patterns:
            self.pattern_set = re2.Set.SearchSet()
            for _rule, regex in self.patterns:
                self.pattern_set.Add(f"(?m:{regex.pattern})")
            self.pattern_set.Compile()
            self.batch_patterns = [re2.compile(f"(?m:{regex.pattern})") for _rule, regex in self.patterns]
            # \A and \z would mean the batch's ends: such rule sets look at messages one at a time
            self.batchable = not any(re.search(r"\\[Az]", regex.pattern) for _rule, regex in self.patterns)

    # --- scanning ------------------------------------------------------------------------------

    def scan(self, text: str, direction: str = REP) -> list[Hit]:
        """The first hit of each rule that applies to a message sent in this direction."""
        return list(self.scan_many([text], [direction])[0])

    def scan_many(self, texts: list[str], directions: list[str]) -> list[list[Hit]]:
        if not texts:
            return []
        if self.patterns and not self.batchable and len(texts) > 1:
            return [self.scan_many([text], [direction])[0] for text, direction in zip(texts, directions, strict=True)]
        batch = _Batch.of(texts)
        found: dict[int, list[Hit]] = defaultdict(list)
        shields = _Shields(self, batch)
        self._keyword_hits(batch, shields, found)
        self._pattern_hits(batch, shields, found)
        self._number_hits(batch, shields, found)
        results: list = [()] * len(texts)  # most messages hit nothing: one shared empty result
        for index, hits in found.items():
            seen, kept = set(), []
            for hit in sorted(hits, key=lambda h: h.start):
                if hit.rule.id not in seen and hit.rule.applies_to in (directions[index], BOTH):
                    seen.add(hit.rule.id)
                    kept.append(hit)
            results[index] = kept
        return results

    def _keyword_hits(self, batch: _Batch, shields: _Shields, found) -> None:
        if self.keywords is None:
            return
        kept = batch.kept
        for key, s_start, s_stop in self.keywords.find_matches_as_indexes(batch.skeleton, overlapping=True):
            start, stop = int(kept[s_start]), int(kept[s_stop - 1]) + 1
            index = batch.message_of(start)
            base = batch.starts[index]
            entries = self.keyword_entries[key]
            for rule, word in entries:
                if shields.cover(index, rule, start - base, stop - base):
                    continue
                if not _ascii_bounded(batch.folded, start, stop):
                    continue
                if rule.skip_negated and _negated(batch.folded, base, start):
                    continue
                text = batch.texts[index]
                found[index].append(
                    Hit(rule, start - base, stop - base, text[start - base : stop - base], f"keyword:{word}")
                )

    def _pattern_hits(self, batch: _Batch, shields, found) -> None:
        if self.pattern_set is None:
            return
        candidates: set[tuple] = set()
        for number in self.pattern_set.Match(batch.folded) or ():
            for match in self.batch_patterns[number].finditer(batch.folded):
                first, last = batch.message_of(match.start()), batch.message_of(max(match.start(), match.end() - 1))
                candidates.update((index, number) for index in range(first, last + 1))
        for index, number in sorted(candidates):
            rule, regex = self.patterns[number]
            base = batch.starts[index]
            folded = batch.folded[base : base + len(batch.texts[index])]
            for match in regex.finditer(folded):  # the rule's own semantics, on the message alone
                start, stop = match.span()
                if stop == start or shields.cover(index, rule, start, stop):
                    continue
                if rule.skip_negated and _negated(folded, 0, start):
                    continue
                found[index].append(Hit(rule, start, stop, batch.texts[index][start:stop], f"pattern:{rule.pattern}"))
                break

    def _number_hits(self, batch: _Batch, shields, found) -> None:
        if not self.detectors:
            return
        for index in batch.with_numbers:
            base = batch.starts[index]
            for match in _NUMBER_RUN.finditer(batch.folded, base, base + len(batch.texts[index])):
                self._number_hit(batch, index, match, shields, found)

    def _number_hit(self, batch: _Batch, index: int, match: re.Match, shields, found) -> None:
        span = batch.local(index, *match.span())
        if span is not None:
            number = re.sub(r"[^0-9x]", "", match.group().translate(_CHINESE_DIGITS))
            if number.rstrip("x") in self.allowed_numbers:
                return
            if _in_order_context(batch.folded, batch.starts[index], match.start()):
                return
            for rule in self.detectors:
                if _detected(rule.detector, number) and not shields.cover(index, rule, *span):
                    text = batch.texts[index]
                    found[index].append(Hit(rule, *span, text[span[0] : span[1]], f"{rule.detector}:{_masked(number)}"))


def _automaton(entries: dict[str, list]) -> tuple[ahocorasick_rs.AhoCorasick | None, list[tuple]]:
    keys = sorted(entries)
    return (ahocorasick_rs.AhoCorasick(keys) if keys else None), [tuple(entries[key]) for key in keys]


class _Shields:
    """Allow-listed phrases and rule exceptions, looked for only in messages where something hit."""

    def __init__(self, rules: RuleSet, batch: _Batch):
        self.rules, self.batch = rules, batch
        self.spans: dict[int, list] = {}

    def cover(self, index: int, rule: RuleSpec, start: int, stop: int) -> bool:
        """Whether a shield for this rule (or for all) contains the span (message coordinates)."""
        if index not in self.spans:
            self.spans[index] = self._find(index)
        return any(a <= start and stop <= b and (None in ids or rule.id in ids) for a, b, ids in self.spans[index])

    def _find(self, index: int) -> list[tuple[int, int, tuple]]:
        automaton = self.rules.shields
        if automaton is None:
            return []
        batch = self.batch
        base = batch.starts[index]
        low, high = np.searchsorted(batch.kept, [base, base + len(batch.texts[index])])
        spans = []
        for key, s_start, s_stop in automaton.find_matches_as_indexes(batch.skeleton[low:high], overlapping=True):
            start, stop = int(batch.kept[low + s_start]), int(batch.kept[low + s_stop - 1]) + 1
            spans.append((start - base, stop - base, self.rules.shield_entries[key]))
        return spans


def _ascii_bounded(folded: str, start: int, stop: int) -> bool:
    """A keyword starting or ending with a Latin letter or digit must not run into another one
    (vx is not the vx of "vxyz123")."""
    before = folded[start - 1] if start else ""
    after = folded[stop] if stop < len(folded) else ""
    first, last = folded[start], folded[stop - 1]
    if first.isascii() and first.isalnum() and before.isascii() and before.isalnum():
        return False
    return not (last.isascii() and last.isalnum() and after.isascii() and after.isalnum())


def _negated(folded: str, message_start: int, start: int) -> bool:
    """A negation right before the hit, in the same clause (我们不接受 / 千万别 …), or a claim
    quoted in order to reject it (有人说拼多多便宜，但那不是我们的货)."""
    clause_start = message_start
    for match in _CLAUSE_END.finditer(folded, message_start, start):
        clause_start = match.end()
    if _reported_to_reject(folded, clause_start, start):
        return True
    if _NEGATION_CHARS.isdisjoint(folded[max(message_start, start - 12) : start]):
        return False
    before = _NOT_LETTER_OR_DIGIT.sub("", folded[clause_start:start])
    for _ in range(4):  # 不会 | 向 | 您 | 索要 …: a few words may stand between the negation and the hit
        filler = next((f for f in _FILLERS if before.endswith(f)), None)
        if filler is None:
            break
        before = before[: -len(filler)]
    return before.endswith(_NEGATIONS)


_REPORTED = ("有人说", "听说", "网上说", "别人说", "都说", "客户说", "他们说", "据说", "有人讲")
_REJECTED = ("但", "不过", "其实", "不是", "别信", "不要信", "假的", "谣言", "注意辨别", "不可信", "不靠谱", "仿")


def _reported_to_reject(folded: str, clause_start: int, start: int) -> bool:
    """The hit is in a clause that reports what others say, and the message goes on to reject it."""
    if not any(word in folded[clause_start:start] for word in _REPORTED):
        return False
    end = folded.find(_BOUNDARY, start)
    rest = folded[start : end if end >= 0 else len(folded)]
    return any(word in rest for word in _REJECTED)


def _in_order_context(folded: str, message_start: int, start: int) -> bool:
    return any(word in folded[max(message_start, start - 8) : start] for word in _ORDER_CONTEXT)


def _detected(detector: str, number: str) -> bool:
    digits = number.rstrip("x")
    if detector == MOBILE:
        local = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
        return len(local) == 11 and "x" not in number and re.fullmatch(r"1[3-9]\d{9}", local) is not None
    if detector == ID_CARD:
        return _is_id_number(number.upper())
    return detector == BANK_CARD and _is_card_number(number)


def _is_id_number(number: str) -> bool:
    """18 characters with a right check digit and a real birth date. The district code is not
    looked up: stdnum's table lags the districts created since, whose numbers are as real."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = ric.get_birth_date(number)
        return ric.calc_check_digit(number) == number[-1] and date(1900, 1, 1) <= born <= datetime.now(UTC).date()
    except ValueError:  # no such date
        return False


def _is_card_number(number: str) -> bool:
    return "x" not in number and 16 <= len(number) <= 19 and bool(_CARD_PREFIX.match(number)) and luhn.is_valid(number)


def _masked(number: str) -> str:
    return number[:3] + "*" * max(0, len(number) - 7) + number[-4:] if len(number) > 7 else number
