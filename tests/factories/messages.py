"""Chat messages as an archive export gives them, and the violations a scan finds in them."""

import itertools

from apps.compliance.services.messages import messages_ingest
from apps.compliance.services.rules import compliance_settings_update
from apps.compliance.services.scanning import messages_scan

_ids = itertools.count(1)


def scanned_violations(brand, text: str, robot_url: str, *, rep: str = "rep@alpha.test"):
    """Send one rep message in the brand (alerts going to `robot_url`) and scan it."""
    with brand:
        compliance_settings_update(webhook_url=robot_url, webhook_min_severity="high")
        _result, stored = messages_ingest(
            items=[
                {
                    "message_id": f"m-{next(_ids)}",
                    "conversation_id": "c",
                    "rep": rep,
                    "customer": "x",
                    "direction": "rep_to_customer",
                    "sent_at": "2026-10-10T10:00:00+08:00",
                    "text": text,
                }
            ]
        )
        return messages_scan(message_ids=stored)
