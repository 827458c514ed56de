"""Work queued for a brand that is deleted before it runs is dropped, never run in public."""

from django.db import connection

from config.celery import app

ran: list[str] = []


@app.task(name="tests.record_schema")
def record_schema() -> str:
    ran.append(connection.schema_name)
    return connection.schema_name


def test_a_task_runs_in_the_schema_it_was_sent_from(alpha):
    ran.clear()
    with alpha:
        assert record_schema.apply().get() == alpha.brand.schema_name
    assert ran == [alpha.brand.schema_name]


def test_a_task_for_a_brand_that_is_gone_is_dropped(alpha, caplog):
    ran.clear()
    result = record_schema.apply(headers={"_schema_name": "brand_deleted_meanwhile"})
    assert result.successful() and result.get() is None
    assert ran == []  # not run in public
    assert "no brand has the schema brand_deleted_meanwhile" in caplog.text
