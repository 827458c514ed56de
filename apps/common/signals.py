"""Telling the apps above without letting one of them break the teller."""

import logging

from django.dispatch import Signal

log = logging.getLogger(__name__)


def tell(signal: Signal, sender, **kwargs) -> None:
    """Send to every receiver; one that raises is logged and the others still hear."""
    for receiver, answer in signal.send_robust(sender=sender, **kwargs):
        if isinstance(answer, Exception):
            log.error("%s failed on %s", receiver, sender, exc_info=answer)
