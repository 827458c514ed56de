"""The callback URL: WeCom's URL check, signed and encrypted event pushes, and every way a push
can be wrong (answered with the documented status, nothing stored)."""

import time

import pytest
from django.test import Client

from apps.wecom.models import CallbackReceipt
from tests.wecom.conftest import corp_new

pytestmark = pytest.mark.django_db

ADD = {"Event": "change_external_contact", "ChangeType": "add_external_contact", "UserID": "zhangsan"}


def _receipts(wecom) -> int:
    with wecom.brand:
        return CallbackReceipt.objects.count()


def test_the_url_check_answers_the_decrypted_echo(wecom):
    wecom.connect()
    status, answer, echo = wecom.sim.verify_url()
    assert (status, answer) == (200, echo)


def test_a_push_is_acknowledged_with_success_and_kept_once(wecom):
    wecom.connect()
    status, answer = wecom.sim.push({**ADD, "ExternalUserID": "wm1"})
    assert (status, answer) == (200, "success")
    with wecom.brand:
        receipt = CallbackReceipt.objects.get()
    assert (receipt.event, receipt.change_type, receipt.message["ExternalUserID"]) == (
        "change_external_contact",
        "add_external_contact",
        "wm1",
    )


def test_a_replay_of_the_same_signature_and_nonce_changes_nothing(wecom):
    wecom.connect()
    assert wecom.sim.push({**ADD, "ExternalUserID": "wm1"}, nonce="same-nonce")[0] == 200
    # WeCom retrying the very same request, and an attacker replaying it, look the same.
    xml = wecom.sim.push_xml
    assert (
        xml(f"<xml><ToUserName><![CDATA[{wecom.corp.corp_id}]]></ToUserName><Event>other</Event></xml>", nonce="n2")[0]
        == 200
    )
    assert _receipts(wecom) == 2
    timestamp = str(int(time.time()))
    first = wecom.sim.encrypt("<xml><Event>x</Event></xml>", nonce="n3", timestamp=timestamp)
    client = Client(HTTP_HOST=wecom.brand.host)
    body = f"<xml><Encrypt><![CDATA[{first['encrypt']}]]></Encrypt></xml>"
    url = f"/wecom/callback/?msg_signature={first['signature']}&timestamp={timestamp}&nonce=n3"
    assert client.post(url, body, content_type="text/xml").status_code == 200
    assert client.post(url, body, content_type="text/xml").status_code == 200
    assert _receipts(wecom) == 3


def test_the_same_message_sent_twice_is_kept_once(wecom):
    wecom.connect()
    xml = f"<xml><ToUserName><![CDATA[{wecom.corp.corp_id}]]></ToUserName><CreateTime>1</CreateTime></xml>"
    assert wecom.sim.push_xml(xml)[0] == 200
    assert wecom.sim.push_xml(xml)[0] == 200  # a new nonce, the same event
    assert _receipts(wecom) == 1


def test_a_wrong_signature_is_refused_with_403(wecom):
    wecom.connect()
    assert wecom.sim.push(ADD, token="not-the-token")[0] == 403
    assert _receipts(wecom) == 0


def test_brand_b_s_token_does_not_open_brand_a_s_callback(wecom, beta, settings):
    """Brand B's corp signing with its own token at brand A's URL: refused, nothing kept."""
    wecom.connect()
    other = corp_new()
    assert wecom.sim.push(ADD, token=other.token)[0] == 403
    with beta:  # and beta, not connected, has no callback at all
        pass
    assert Client(HTTP_HOST=beta.host).post("/wecom/callback/?msg_signature=x").status_code == 404
    assert _receipts(wecom) == 0


def test_a_message_for_another_corp_is_refused(wecom):
    """Right token, but ciphertext that names another corp id (WeCom's corp check)."""
    wecom.connect()
    real = wecom.corp.corp_id
    wecom.corp.corp_id = "ww0000000000000000"
    try:
        assert wecom.sim.push(ADD)[0] == 403
    finally:
        wecom.corp.corp_id = real
    assert _receipts(wecom) == 0


@pytest.mark.parametrize(
    "body",
    [b"<xml><Encrypt>", b"not xml at all", b"<other/>", b"<xml><Nothing/></xml>", b""],
    ids=["cut-off", "text", "no-xml-root", "no-encrypt", "empty"],
)
def test_malformed_xml_is_refused_with_400(wecom, body):
    wecom.connect()
    client = Client(HTTP_HOST=wecom.brand.host)
    url = f"/wecom/callback/?msg_signature={'a' * 40}&timestamp={int(time.time())}&nonce=n"
    assert client.post(url, body, content_type="text/xml").status_code == 400
    assert _receipts(wecom) == 0


def test_an_entity_expansion_bomb_is_refused_with_400(wecom):
    wecom.connect()
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<xml><Encrypt>&b;</Encrypt></xml>"
    )
    url = f"/wecom/callback/?msg_signature={'a' * 40}&timestamp={int(time.time())}&nonce=n"
    assert Client(HTTP_HOST=wecom.brand.host).post(url, bomb, content_type="text/xml").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?timestamp=1&nonce=n",
        f"?msg_signature={'a' * 40}&timestamp=soon&nonce=n",
        "?msg_signature=short&timestamp=1&nonce=n",
    ],
)
def test_missing_or_malformed_signature_parameters_are_refused_with_400(wecom, query):
    wecom.connect()
    response = Client(HTTP_HOST=wecom.brand.host).post(f"/wecom/callback/{query}", b"<xml/>", content_type="text/xml")
    assert response.status_code == 400


def test_an_old_signed_message_is_refused_as_a_replay(wecom):
    wecom.connect()
    old = str(int(time.time()) - 3 * 24 * 3600)
    envelope = wecom.sim.encrypt("<xml><Event>x</Event></xml>", nonce="n", timestamp=old)
    url = f"/wecom/callback/?msg_signature={envelope['signature']}&timestamp={old}&nonce=n"
    body = f"<xml><Encrypt><![CDATA[{envelope['encrypt']}]]></Encrypt></xml>"
    assert Client(HTTP_HOST=wecom.brand.host).post(url, body, content_type="text/xml").status_code == 403


def test_a_brand_that_is_not_connected_has_no_callback(wecom):
    assert wecom.sim.push(ADD)[0] == 404
    assert wecom.sim.verify_url()[0] == 404


def test_a_disconnected_brand_takes_no_more_callbacks(wecom, alpha):
    from apps.wecom.services.connection import connection_disconnect

    wecom.connect()
    with alpha:
        connection_disconnect()
    assert wecom.sim.push(ADD)[0] == 404
    assert _receipts(wecom) == 0


def test_a_callback_for_a_brand_that_does_not_exist_is_404(db):
    client = Client(HTTP_HOST="gone.localhost")
    assert client.post("/wecom/callback/?msg_signature=x", b"<xml/>", content_type="text/xml").status_code == 404


def test_other_methods_are_not_allowed(wecom):
    wecom.connect()
    assert Client(HTTP_HOST=wecom.brand.host).put("/wecom/callback/").status_code == 405


def test_an_unknown_event_is_acknowledged_and_noted_processed(wecom):
    wecom.connect()
    assert wecom.sim.push({"Event": "something_new", "ChangeType": "whatever"}) == (200, "success")
    counts = wecom.process()
    assert counts["not_handled"] == 1
    with wecom.brand:
        receipt = CallbackReceipt.objects.get()
    assert receipt.processed_at is not None and receipt.error == ""


def test_keys_changed_in_another_process_open_the_next_push(wecom):
    """This process remembers the keys for a few seconds; a push they cannot open is tried with
    the stored ones, so a change saved elsewhere works at once and the old keys stop working."""
    from apps.common.sealed import seal
    from apps.wecom.models import Connection

    wecom.connect()
    assert wecom.sim.push({**ADD, "ExternalUserID": "wm1"})[0] == 200  # the keys are remembered now
    old_token, fresh = wecom.corp.token, corp_new()
    with wecom.brand:  # what another web process's save leaves in the row
        Connection.objects.filter(pk=1).update(callback_token=seal(fresh.token), callback_aes_key=seal(fresh.aes_key))
    wecom.corp.token, wecom.corp.aes_key = fresh.token, fresh.aes_key
    assert wecom.sim.push({**ADD, "ExternalUserID": "wm2"})[0] == 200
    assert wecom.sim.verify_url()[0] == 200
    assert wecom.sim.push({**ADD, "ExternalUserID": "wm3"}, token=old_token)[0] == 403
    assert _receipts(wecom) == 2


def test_a_suspended_brand_takes_no_callbacks(wecom, alpha):
    from apps.tenants.services import brand_suspend

    wecom.connect()
    brand_suspend(brand=alpha.brand, reason="欠费")
    fresh = Client(HTTP_HOST=alpha.host)  # a request the brand's suspension has reached
    wecom.sim.deliver = lambda method, target, body, headers: (
        (answer := fresh.post(target, data=body, content_type=headers["Content-Type"])).status_code,
        answer.content.decode(),
    )
    assert wecom.sim.push(ADD)[0] == 403
    assert _receipts(wecom) == 0


def test_the_public_site_has_no_callback_url(db):
    assert Client().post("/wecom/callback/?msg_signature=x", b"<xml/>", content_type="text/xml").status_code == 404
