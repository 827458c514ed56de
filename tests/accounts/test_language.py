"""The language someone picks with the switch is remembered: their other devices (no cookie yet)
and the emails written to them use it; someone who never picked reads Chinese."""

import re

from django.core import mail
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.services import password_reset_send


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_the_switch_remembers_the_choice_for_the_persons_other_devices(alpha):
    laptop = alpha.client("rep")
    response = laptop.post("/i18n/setlang/", {"language": "en", "next": "/home/rep/"})
    assert response.status_code == 302 and response["Location"] == "/home/rep/"
    assert response.cookies["django_language"].value == "en"
    with schema_context(alpha.brand.schema_name):
        assert User.objects.get(pk=alpha.rep_id).language == "en"

    phone = alpha.client("rep")  # logged in, no language cookie
    assert _lang(phone.get("/home/rep/")) == "en"
    assert _lang(alpha.client("ops").get("/home/ops/")) == "zh-hans"  # someone who never picked


def test_the_cookie_of_this_device_wins_over_the_remembered_choice(alpha):
    with schema_context(alpha.brand.schema_name):
        User.objects.filter(pk=alpha.rep_id).update(language="en")
    client = alpha.client("rep")
    client.cookies["django_language"] = "zh-hans"
    assert _lang(client.get("/home/rep/")) == "zh-hans"


def test_an_unknown_language_is_not_remembered(alpha):
    client = alpha.client("rep")
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    with schema_context(alpha.brand.schema_name):
        assert User.objects.get(pk=alpha.rep_id).language == ""


def test_switching_before_logging_in_only_sets_the_cookie(alpha):
    response = alpha.client().post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "en"
    with schema_context(alpha.brand.schema_name):
        assert set(User.objects.values_list("language", flat=True)) == {""}


def test_the_password_reset_email_is_in_its_owners_language(alpha, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with alpha:
        User.objects.filter(pk=alpha.rep_id).update(language="en")
        password_reset_send(email="rep@alpha.test")
        password_reset_send(email="ops@alpha.test")
    english, chinese = mail.outbox
    assert english.to == ["rep@alpha.test"] and re.search(r"[A-Za-z]{4,} password", english.subject + english.body)
    assert not re.search(r"[\u4e00-\u9fff]", english.subject)
    assert re.search(r"[\u4e00-\u9fff]", chinese.subject)
