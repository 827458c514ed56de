"""A brand admin takes all the brand's data away as a ZIP, and deletes the brand in two steps."""

import csv
import io
import json
import zipfile
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.brand_data.models import DataExport
from apps.brand_data.services.deletion import brands_purge_due
from apps.kpis.models import Event
from apps.kpis.services.events import events_ingest
from apps.signup.services import brand_create
from apps.tenants.models import Brand, Domain
from tests.conftest import PASSWORD
from tests.factories.events import event


def _table(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8-sig")))


def test_admin_exports_every_table_of_the_brand_and_nothing_of_another(alpha, beta, django_capture_on_commit_callbacks):
    with alpha:
        events_ingest(
            items=[event("order", member="rep@alpha.test", amount="9.90", customer=f"c{n}") for n in range(5)]
        )
    with beta:
        events_ingest(items=[event("order", member="rep@beta.test", amount="1.00", customer="beta-only")])
    admin = alpha.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post("/settings/data/exports/").status_code == 302
    with alpha:
        export = DataExport.objects.get()
        assert export.status == DataExport.Status.DONE
        events = Event.objects.count()
    page = admin.get("/settings/data/")
    assert "下载" in page.content.decode()
    download = admin.get(f"/settings/data/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["brand"]["slug"] == "alpha"
    for table in (
        "accounts/user",
        "organisation/team",
        "kpis/event",
        "kpis/target",
        "compliance/message",
        "compliance/violation",
        "leaderboards/competition",
        "reports/dailyreport",
        "auditlog/logentry",
    ):
        assert f"{table}.csv" in archive.namelist(), table
    exported_events = _table(archive, "kpis/event.csv")
    assert len(exported_events) == events == manifest["tables"]["kpis/event.csv"] > 0
    assert "beta-only" not in archive.read("kpis/event.csv").decode("utf-8-sig")
    people = _table(archive, "accounts/user.csv")
    assert {"email", "full_name", "roles"} <= set(people[0]) and "password" not in people[0]
    assert "rep@alpha.test" in {person["email"] for person in people}


def test_only_brand_admins_reach_exports_and_deletion(alpha):
    with alpha:
        export = DataExport.objects.create(status=DataExport.Status.DONE)
    ops = alpha.client("ops")
    assert ops.get("/settings/data/").status_code == 403
    assert ops.post("/settings/data/exports/").status_code == 403
    assert ops.get(f"/settings/data/exports/{export.pk}/download/").status_code == 403
    assert ops.post("/settings/data/deletion/cancel/").status_code == 403


def test_deletion_asks_for_the_slug_then_waits_out_the_grace_period(alpha):
    admin = alpha.client("admin")
    wrong = admin.post("/settings/data/", {"confirm_slug": "beta"})
    assert wrong.status_code == 200 and "请输入品牌子域名 alpha 以确认" in wrong.content.decode()
    alpha.brand.refresh_from_db()
    assert alpha.brand.delete_after is None

    assert admin.post("/settings/data/", {"confirm_slug": "ALPHA "}).status_code == 302
    alpha.brand.refresh_from_db()
    assert alpha.brand.delete_after - alpha.brand.deletion_requested_at == timedelta(days=7)
    assert alpha.brand.deletion_requested_by == "admin@alpha.test"
    assert "本品牌已申请删除" in alpha.client("rep").get("/", follow=True).content.decode()
    assert brands_purge_due() == []  # within the grace period nothing happens

    assert admin.post("/settings/data/deletion/cancel/").status_code == 302
    alpha.brand.refresh_from_db()
    assert alpha.brand.delete_after is None


def test_after_the_grace_period_the_sweep_drops_schema_domain_and_row(db):
    brand = brand_create(
        name="短命", slug="shortlived", admin_name="管", admin_email="a@s.test", admin_password=PASSWORD
    ).brand
    Brand.objects.filter(pk=brand.pk).update(delete_after=timezone.now() - timedelta(minutes=1))
    with connection.cursor() as cursor:  # days apart in life; here one transaction: check its FKs now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert brands_purge_due() == ["shortlived"]
    assert not Brand.objects.filter(slug="shortlived").exists()
    assert not Domain.objects.filter(tenant_id=brand.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [brand.schema_name])
        assert cursor.fetchone() is None
    assert Client(HTTP_HOST="shortlived.localhost").get("/").status_code == 404


def test_an_export_carries_the_wecom_connection_but_none_of_its_secrets(alpha, django_capture_on_commit_callbacks):
    from apps.common.sealed import seal
    from apps.wecom.models import Connection

    with alpha:
        Connection.objects.filter(pk=1).update(
            corp_id="ww0123456789abcdef", app_secret=seal("app-secret-value"), callback_token=seal("tok")
        )
        sealed = Connection.objects.get(pk=1).app_secret
    admin = alpha.client("admin")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/settings/data/exports/")
    with alpha:
        export = DataExport.objects.get()
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(admin.get(f"/settings/data/exports/{export.pk}/download/").streaming_content))
    )
    (row,) = _table(archive, "wecom/connection.csv")
    assert row["corp_id"] == "ww0123456789abcdef"
    assert not {"app_secret", "contact_secret", "callback_token", "callback_aes_key"} & set(row)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"app-secret-value" not in everything and sealed.encode() not in everything
