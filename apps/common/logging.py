"""Every log line names the brand it was written for: the schema the connection is in when the
line is logged (a request's brand, or the brand a task runs for; "public" for the platform)."""

import logging

from django.db import connection


class BrandFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.brand = getattr(connection, "schema_name", None) or "public"
        return True
