"""WeCom's callback crypto, checked against the example in WeCom's own developer documentation
(加解密方案说明 / 回调配置: the VerifyURL and message samples), through the library we use."""

from wechatpy.enterprise.crypto import WeChatCrypto

from apps.wecom.simulator.corp import Corp
from apps.wecom.simulator.server import Simulator

# The documentation's sample corp.
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"


def test_the_documented_url_check_decrypts_to_the_documented_echo():
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    echo = crypto.check_signature(
        "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
        "1409659589",
        "263014780",
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
    )
    assert echo == "1616140317555161061"


DOCUMENTED_ENCRYPT = (
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/"
    "sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJ"
    "YuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUc"
    "allcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5"
    "Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)


def test_the_documented_message_decrypts_to_a_message_for_the_documented_corp():
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    envelope = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{DOCUMENTED_ENCRYPT}]]></Encrypt>"
        "<AgentID><![CDATA[218]]></AgentID></xml>"
    )
    plain = crypto.decrypt_message(envelope, "477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149")
    assert f"<ToUserName><![CDATA[{CORP_ID}]]></ToUserName>" in plain
    assert "<MsgType><![CDATA[text]]></MsgType>" in plain


def test_what_the_simulator_sends_opens_with_the_documented_algorithm():
    """The simulator's pushes are real WeCom ciphertext: the sample corp's key opens them."""
    corp = Corp(corp_id=CORP_ID, app_secret="a" * 43, contact_secret="c" * 43, token=TOKEN, aes_key=AES_KEY)
    sim = Simulator(corp)
    try:
        envelope = sim.encrypt("<xml><Event>x</Event></xml>", nonce="n1", timestamp="1409659813")
        plain = WeChatCrypto(TOKEN, AES_KEY, CORP_ID).decrypt_message(
            {"Encrypt": envelope["encrypt"]}, envelope["signature"], "1409659813", "n1"
        )
    finally:
        sim.server.server_close()
    assert plain == "<xml><Event>x</Event></xml>"
