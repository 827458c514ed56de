"""One brand's schema backed up and restored with the management commands. pg_dump reads with
its own connection and cannot see a test's transaction, so the scenario runs in a child process
against the test database, committing as a real installation would."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_context
from apps.kpis.models import Event
from apps.kpis.services.events import events_ingest
from apps.tenants.models import Brand
from apps.tenants.services import brand_template_ensure
from apps.signup.services import brand_create

work = Path(sys.argv[1])
brand_template_ensure()
brand = brand_create(name="备份", slug="backupprobe", admin_name="管", admin_email="a@b.test",
                     admin_password="Correct-Horse-42").brand
seen = {}
ids = lambda: sorted(Event.objects.values_list("external_id", flat=True))
try:
    with schema_context(brand.schema_name):
        events_ingest(items=[{"external_id": f"e{n}", "kind": "order", "amount": str(n), "customer": f"c{n}",
                              "occurred_at": "2026-11-10T10:00:00+08:00"} for n in range(1, 4)])
        seen["before"] = ids()
    call_command("backup_brand", "backupprobe", output=work / "good.dump")
    with schema_context(brand.schema_name):  # a bad day: one event lost, a wrong one added
        Event.objects.filter(external_id="e1").delete()
        events_ingest(items=[{"external_id": "wrong", "kind": "order", "amount": "999",
                              "occurred_at": "2026-11-10T10:00:00+08:00"}]).created
        seen["damaged"] = ids()
    try:
        call_command("restore_brand", "backupprobe", str(work / "good.dump"))
    except CommandError as error:
        seen["unconfirmed"] = str(error)
    call_command("restore_brand", "backupprobe", str(work / "good.dump"), yes=True)
    with schema_context(brand.schema_name):
        seen["restored"] = ids()
    other = brand_create(name="别家", slug="backupother", admin_name="管", admin_email="o@b.test",
                         admin_password="Correct-Horse-42").brand
    call_command("backup_brand", "backupother", output=work / "other.dump")
    try:
        call_command("restore_brand", "backupprobe", str(work / "other.dump"), yes=True)
    except CommandError as error:
        seen["other"] = str(error)
    with schema_context(brand.schema_name):
        seen["after_other"] = ids()
    (work / "broken.dump").write_bytes(b"PGDMP not really a dump")
    try:
        call_command("restore_brand", "backupprobe", str(work / "broken.dump"), yes=True)
    except CommandError as error:
        seen["broken"] = str(error)[:120]
    with schema_context(brand.schema_name):
        seen["after_broken"] = ids()
finally:
    connection.set_schema_to_public()
    for probe in Brand.objects.filter(slug__in=["backupprobe", "backupother"]):
        probe.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'backupprobe%%'")
        seen["schemas_left"] = cursor.fetchone()[0]
print(json.dumps(seen))
"""


def _test_database_url() -> str:
    db = connection.settings_dict
    host, port = db.get("HOST") or "", f":{db['PORT']}" if db.get("PORT") else ""
    user = db.get("USER") or "postgres"
    if host.startswith("/"):  # the embedded server's socket directory
        return f"postgresql://{user}@{port}/{db['NAME']}?host={quote(host)}"
    return f"postgresql://{user}@{host}{port}/{db['NAME']}"


@pytest.mark.django_db
def test_a_brand_restored_from_its_backup_has_exactly_the_data_it_had(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Tasks its commits send run in that process: nothing is left in the broker for `make run`.
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO, str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["before"] == ["e1", "e2", "e3"]
    assert seen["damaged"] == ["e2", "e3", "wrong"]
    assert "--yes" in seen["unconfirmed"]
    assert seen["restored"] == seen["before"]
    assert "brand_backupother, not brand_backupprobe" in seen["other"] and seen["after_other"] == seen["before"]
    assert "the brand is as it was" in seen["broken"]
    assert seen["after_broken"] == seen["before"]
    assert seen["schemas_left"] == 0
