"""Sending work to the worker without making the broker a single point of failure. The work sent
here is also found by a periodic sweep (pending compliance scans, stale leaderboards), so a send
that fails while Redis is down is logged and left to that sweep, and the request that stored the
data still succeeds."""

import logging

import redis
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

log = logging.getLogger(__name__)


def send_or_leave_to_sweep(task, *args) -> bool:
    try:
        task.delay(*args)
    except (BrokerUnavailable, redis.RedisError):
        log.warning("broker unreachable: %s left to its sweep", task.name, exc_info=True)
        return False
    return True


def send_on_commit_or_leave_to_sweep(task, *args) -> None:
    transaction.on_commit(lambda: send_or_leave_to_sweep(task, *args))
