"""Secrets a brand gives us (WeCom app and contact secrets, callback token and key) sealed at rest:
Fernet (AES-128-CBC with an HMAC) under keys from settings (SEALING_KEYS, newest first, so an old
key still opens what it sealed while new values use the new one; derived from SECRET_KEY when
unset). What is stored is never the secret; only the last four characters are shown."""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class Unsealable(Exception):
    """The value was sealed under a key this installation no longer has."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    def key(text: str) -> bytes:
        return base64.urlsafe_b64encode(hashlib.sha256(f"siyu.sealed:{text}".encode()).digest())

    return MultiFernet([Fernet(key(text)) for text in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.SEALING_KEYS) or (settings.SECRET_KEY,)


def seal(secret: str) -> str:
    return _fernet(_keys()).encrypt(secret.encode()).decode() if secret else ""


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet(_keys()).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise Unsealable("sealed under a key this installation does not have") from None


def last_four(secret: str) -> str:
    return f"…{secret[-4:]}" if secret else ""
