"""Passwords are stored as Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane), and a hash
made with other parameters (Django's defaults) is redone at its owner's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django_tenants.utils import schema_context

from apps.accounts.models import User
from tests.conftest import PASSWORD

PRODUCTION = ["apps.accounts.hashers.Argon2idHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _parameters(encoded: str) -> str:
    return encoded.split("$")[3]  # argon2$argon2id$v=19$m=…,t=…,p=…$salt$hash


def test_new_passwords_are_argon2id_at_owasps_minimum(settings):
    settings.PASSWORD_HASHERS = PRODUCTION
    encoded = make_password("a long enough secret")
    assert encoded.startswith("argon2$argon2id$")
    assert _parameters(encoded) == "m=19456,t=2,p=1"


def test_a_hash_with_djangos_default_parameters_is_redone_at_the_next_login(alpha, settings):
    settings.PASSWORD_HASHERS = PRODUCTION
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert _parameters(old) == "m=102400,t=2,p=8"
    with schema_context(alpha.brand.schema_name):
        User.objects.filter(pk=alpha.rep_id).update(password=old)

    response = alpha.client().post("/accounts/login/", {"username": "rep@alpha.test", "password": PASSWORD})

    assert response.status_code == 302
    with schema_context(alpha.brand.schema_name):
        stored = User.objects.get(pk=alpha.rep_id).password
    assert identify_hasher(stored).algorithm == "argon2" and _parameters(stored) == "m=19456,t=2,p=1"
