"""Rate limits hold under parallel requests: the count is checked and taken in one step in Redis,
so a burst of simultaneous requests with one key admits exactly the limit, never more."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from apps.common.ratelimit import Rate, rate_hit


def _burst(clients: int, requests: int, scope: str, rate: Rate) -> list[float | None]:
    start = threading.Barrier(clients)

    def client(_number):
        start.wait()
        return [rate_hit(scope=scope, ident="one-key", rate=rate) for _ in range(requests)]

    with ThreadPoolExecutor(clients) as pool:
        return [answer for answers in pool.map(client, range(clients)) for answer in answers]


def test_a_parallel_burst_with_one_key_admits_exactly_the_limit():
    answers = _burst(clients=30, requests=50, scope="burst", rate=Rate(limit=1200, seconds=60))
    admitted = [a for a in answers if a is None]
    refused = [a for a in answers if a is not None]
    assert len(answers) == 1500 and len(admitted) == 1200 and len(refused) == 300
    assert all(1 <= wait <= 60 for wait in refused)


def test_other_keys_and_other_scopes_count_apart():
    rate = Rate(limit=2, seconds=60)
    assert [rate_hit(scope="a", ident="k1", rate=rate) is None for _ in range(3)] == [True, True, False]
    assert rate_hit(scope="a", ident="k2", rate=rate) is None
    assert rate_hit(scope="b", ident="k1", rate=rate) is None


def test_the_window_slides():
    rate = Rate(limit=2, seconds=1)
    assert rate_hit(scope="slide", ident="k", rate=rate) is None
    assert rate_hit(scope="slide", ident="k", rate=rate) is None
    assert rate_hit(scope="slide", ident="k", rate=rate) == 1  # wait about a second
    time.sleep(1.05)
    assert rate_hit(scope="slide", ident="k", rate=rate) is None


@pytest.mark.parametrize(
    ("text", "rate"),
    [("1200/min", Rate(1200, 60)), ("5/hour", Rate(5, 3600)), ("3/day", Rate(3, 86400)), ("10/30s", Rate(10, 30))],
)
def test_rates_are_written_as_people_write_them(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "abc", "0/min", "5/fortnight", "-1/s"])
def test_a_wrong_rate_is_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="not a rate"):
        Rate.parse(text)
