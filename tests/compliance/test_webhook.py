"""High-severity violations pushed to a WeCom group robot: retried on failure, recorded, never in
the way of ingestion; private addresses refused unless allowed."""

import pytest
from django.core.exceptions import ValidationError

from apps.compliance.models import Violation, WebhookDelivery
from apps.compliance.services import notify
from apps.compliance.tasks import notify_violation
from tests.factories.messages import scanned_violations


def test_a_high_severity_violation_reaches_the_group_after_a_failed_attempt(alpha, robot):
    [violation] = scanned_violations(alpha, "私下转账给我", robot.url)
    robot.answers = [(500, {}), (200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    with alpha:
        for _attempt in range(2):
            with pytest.raises(notify.DeliveryFailed):
                notify.violation_notify(violation_id=violation.pk)
        assert notify.violation_notify(violation_id=violation.pk) is True
        delivery = WebhookDelivery.objects.get(violation=violation)
        assert delivery.attempts == 3 and delivery.delivered_at is not None and delivery.last_error == ""
        assert notify.violation_notify(violation_id=violation.pk) is True  # delivered once, not again
    assert len(robot.received) == 3
    content = robot.received[-1]["markdown"]["content"]
    assert robot.received[-1]["msgtype"] == "markdown" and "私单" in content and "私下转账" in content


def test_the_task_retries_with_back_off_instead_of_failing_ingestion(alpha, robot):
    [violation] = scanned_violations(alpha, "私下转账给我", robot.url)
    robot.answers = [(500, {})]
    with alpha:
        result = notify_violation.apply(args=[violation.pk])
    assert result.successful()  # the first try failed, the retry got through
    with alpha:
        assert WebhookDelivery.objects.get(violation=violation).attempts == 2


def test_medium_violations_stay_in_the_app(alpha, robot):
    [violation] = scanned_violations(alpha, "我手机13812345678", robot.url)
    with alpha:
        from apps.compliance.services.scanning import compliance_settings, worth_notifying

        assert violation.severity == "medium" and not worth_notifying(violation, compliance_settings())
        assert Violation.objects.count() == 1


def test_private_addresses_are_refused_in_production(alpha, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(ValidationError, match="内网"):
        notify.webhook_url_check("http://127.0.0.1:8000/hook")
    with pytest.raises(ValidationError, match="https"):
        notify.webhook_url_check("ftp://example.com/hook")
    page = alpha.client("admin").post(
        "/compliance/settings/", {"webhook_url": "http://10.0.0.5/hook", "webhook_min_severity": "high"}
    )
    assert "内网" in page.content.decode()
