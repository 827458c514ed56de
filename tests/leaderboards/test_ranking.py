"""One ranking, two places: the order and ranks Redis gives a live board are the ones the frozen
standings get at the close (ranking.rank_all), for any values, ties and tie rule."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.common.periods import Period
from apps.leaderboards import selectors, store
from apps.leaderboards.boards import Board
from apps.leaderboards.models import TieRule
from apps.leaderboards.ranking import member, on_board, rank_all, score

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
entries = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40).map(lambda n: Decimal(n) / 4),  # few distinct values: many ties
        st.integers(min_value=0, max_value=10_000).map(lambda ms: EPOCH + timedelta(milliseconds=ms)),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=entries,
    tie_rule=st.sampled_from([TieRule.SHARED, TieRule.EARLIER_FIRST]),
    lower=st.booleans(),
    min_value=st.none() | st.integers(min_value=0, max_value=10).map(Decimal),
)
def test_redis_orders_and_ranks_exactly_as_the_frozen_standings(alpha, rows, tie_rule, lower, min_value):
    board = Board(
        key="c:property",
        metric="gmv",
        period=Period.custom(EPOCH.date(), EPOCH.date()),
        lower_is_better=lower,
        tie_rule=tie_rule,
        min_value=min_value,
        competition_id=1,
    )
    with alpha:
        subjects = [(subject, value, at) for subject, (value, at) in enumerate(rows, start=1)]
        listed = [(s, member(s, at, tie_rule), score(v, lower)) for s, v, at in subjects if on_board(v, lower)]
        store.replace(board, listed, len(subjects), "Asia/Shanghai")
        expected = rank_all(subjects, board)
        live = selectors.board_page(board, viewer=None, metric=_metric(), for_wall=True)
        assert [(r.subject_id, r.rank, r.value) for r in live.rows] == [
            (r.subject_id, r.rank, r.value) for r in expected
        ]
        for ranked in expected:  # each competitor's own view agrees too
            snapshot = store.read(board, top=0, subject=ranked.subject_id, prize_position=0, qualifying_score=None)
            frozen = selectors.snapshot_of(
                expected, board, top=0, subject=ranked.subject_id, prize_position=0, version=0
            )
            assert (snapshot.mine.rank, snapshot.mine.position, snapshot.mine.above) == (
                frozen.mine.rank,
                frozen.mine.position,
                frozen.mine.above,
            )
        store.drop(board.key)


def _metric():
    from apps.kpis.selectors.metrics import metrics_registry

    return metrics_registry()["gmv"]
