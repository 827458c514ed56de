import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from apps.tenants.models import Brand


def test_create_brand_command_creates_a_working_brand(db, capsys):
    call_command(
        "create_brand",
        "cli-brand",
        name="命令行品牌",
        admin_name="李雷",
        admin_email="lilei@example.com",
        admin_password="Cli-brand-2026!",
    )
    assert "http://cli-brand.localhost:8000/" in capsys.readouterr().out
    assert schema_exists(Brand.objects.get(slug="cli-brand").schema_name)


def test_create_brand_command_applies_the_signup_rules(db):
    with pytest.raises(CommandError, match="admin_password"):
        call_command(
            "create_brand", "weak-brand", name="x", admin_name="x", admin_email="x@example.com", admin_password="123"
        )
    with pytest.raises(CommandError, match="slug"):
        call_command(
            "create_brand",
            "www",
            name="x",
            admin_name="x",
            admin_email="x@example.com",
            admin_password="Cli-brand-2026!",
        )
    assert not Brand.objects.filter(slug__in=["weak-brand", "www"]).exists()


def test_a_slug_taken_between_check_and_insert_is_a_field_error(db, monkeypatch):
    from apps.signup import services

    call_command(
        "create_brand",
        "racy",
        name="先到",
        admin_name="x",
        admin_email="x@example.com",
        admin_password="Cli-brand-2026!",
    )
    monkeypatch.setattr(services, "slug_is_taken", lambda slug: False)  # the check ran before the other insert
    with pytest.raises(services.ValidationError) as caught:
        services.brand_create(
            name="后到", slug="racy", admin_name="y", admin_email="y@example.com", admin_password="Cli-brand-2026!"
        )
    assert "slug" in caught.value.message_dict
