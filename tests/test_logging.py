"""Operators search logs by brand: every line is one JSON object naming the brand it concerns."""

import io
import json
import logging
import logging.config

from django.conf import settings


def _capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    console = {**settings.LOGGING["handlers"]["console"], "stream": stream, "formatter": "json"}
    config = {**settings.LOGGING, "handlers": {"console": console}}
    config["root"] = {"handlers": ["console"], "level": "INFO"}
    config["disable_existing_loggers"] = False
    logging.config.dictConfig(config)
    return logging.getLogger("apps.example"), stream


def test_each_line_is_json_with_the_brand_of_the_work_at_hand(alpha):
    logger, stream = _capture()
    try:
        with alpha:
            logger.warning("报表已发送 %s", "2026-11-24", extra={"report": 7})
        logger.info("platform line")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["brand"] == alpha.brand.schema_name
    assert first["message"] == "报表已发送 2026-11-24" and first["report"] == 7
    assert first["level"] == "WARNING" and first["logger"] == "apps.example" and "time" in first
    assert second["brand"] == "public"
