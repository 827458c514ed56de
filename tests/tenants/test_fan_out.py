"""Beat's per-brand jobs reach every active brand, a group per task, and one brand's failure
neither stops the others nor is lost."""

from apps.tenants import tasks
from apps.tenants.models import Brand
from config.celery import app

seen: list[str] = []


@app.task(name="tests.record_brand")
def record_brand(tag: str) -> None:
    from django.db import connection

    seen.append(f"{tag}:{connection.schema_name}")
    if seen.count("first:brand_beta") == 1 and tag == "first" and connection.schema_name == "brand_beta":
        raise RuntimeError("this brand's run fails once")


def test_every_active_brand_runs_the_job_and_a_failure_is_sent_on_alone(alpha, beta, monkeypatch):
    seen.clear()
    monkeypatch.setattr(tasks, "BRANDS_PER_TASK", 1)
    Brand.objects.filter(pk=beta.brand.pk).update(status=Brand.Status.ACTIVE)
    assert tasks.for_each_brand("tests.record_brand", "first") == 2
    assert sorted(seen) == [
        "first:brand_alpha",
        "first:brand_beta",
        "first:brand_beta",
    ]  # beta's failed run was sent again


def test_suspended_brands_are_left_out(alpha, beta):
    seen.clear()
    Brand.objects.filter(pk=beta.brand.pk).update(status=Brand.Status.SUSPENDED)
    tasks.for_each_brand("tests.record_brand", "second")
    assert seen == ["second:brand_alpha"]
