"""A brand types a robot's address; the platform must not be pointed into its own network by it:
not by the address itself (in any of its IPv4 or IPv6 spellings), not by a second DNS answer at
connect time, not by a redirect. The resolver is a stub (socket.getaddrinfo answers what the test
says), the robots are real HTTP servers on loopback."""

import ipaddress
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from apps.common import outbound
from apps.common.wecom import DeliveryFailed, robot_post

REFUSED = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104
    "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "ff0e::1",
    "::7f00:1", "::127.0.0.1", "::a00:1", "::ffff:127.0.0.1", "::ffff:8.8.8.8", "::ffff:0:0",
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:101", "64:ff9b:1::1",
    "2002:7f00:1::", "2002:808:808::1", "2001::1", "2001:db8::1", "100::1",
]  # fmt: skip
ACCEPTED = ["8.8.8.8", "1.1.1.1", "101.226.89.9", "2606:4700:4700::1111", "2400:3200::1", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_loopback_link_local_and_reserved_forms_are_refused(address):
    assert not outbound.address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ACCEPTED)
def test_public_addresses_are_accepted(address):
    assert outbound.address_is_public(ipaddress.ip_address(address))


class Server:
    """An HTTP server on loopback that records requests and answers what it is told."""

    def __init__(self, status=200, body=b'{"errcode": 0}', headers=()):
        self.hits = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                server.hits.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers():
    made = []

    def make(**kwargs):
        made.append(Server(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


@pytest.fixture
def resolver(monkeypatch):
    """A DNS stub: each name answers the next list it was given (the last one ever after)."""
    answers: dict[str, list[list[str]]] = {}
    calls: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls.append(host)
        queue = answers[host]
        chosen = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0)) for a in chosen
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, calls


@pytest.fixture
def guarded(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


def test_a_name_that_rebinds_to_loopback_after_the_check_is_never_reached(guarded, resolver, servers):
    answers, calls = resolver
    target = servers()
    answers["robot.rebind.test"] = [["8.8.8.8"], ["127.0.0.1"]]  # public when checked, loopback later
    with pytest.raises(DeliveryFailed):
        robot_post(f"http://robot.rebind.test:{target.port}/cgi-bin/webhook/send?key=k", {"msgtype": "text"})
    assert target.hits == [] and calls == ["robot.rebind.test"]  # looked up once, connected to what was checked


def test_every_answer_of_a_name_is_checked_not_only_the_first(guarded, resolver, servers):
    answers, _calls = resolver
    target = servers()
    answers["robot.mixed.test"] = [["8.8.8.8", "127.0.0.1"]]
    with pytest.raises(DeliveryFailed, match="内网"):
        robot_post(f"http://robot.mixed.test:{target.port}/hook", {"msgtype": "text"})
    answers["robot.v6.test"] = [["2606:4700:4700::1111", "::ffff:127.0.0.1"]]
    with pytest.raises(DeliveryFailed, match="内网"):
        robot_post(f"http://robot.v6.test:{target.port}/hook", {"msgtype": "text"})
    assert target.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hook",
        "http://2130706433:{port}/hook",  # 127.0.0.1 as one number
        "http://0x7f.1:{port}/hook",
        "http://[::ffff:127.0.0.1]:{port}/hook",
        "http://[::1]:{port}/hook",
        "http://localhost:{port}/hook",
        "http://user:pass@8.8.8.8/hook",
        "file:///etc/passwd",
        "gopher://127.0.0.1:{port}/",
        "http://8.8.8.8:99999/hook",
    ],
)
def test_addresses_into_the_platform_are_refused_before_any_connection(guarded, servers, url):
    target = servers()
    with pytest.raises(DeliveryFailed):
        robot_post(url.format(port=target.port), {"msgtype": "text"})
    assert target.hits == []


def test_a_redirect_is_never_followed_even_from_an_allowed_host(settings, servers):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True  # an on-premise gateway on the LAN is allowed
    inside = servers()
    gateway = servers(status=302, body=b"", headers=[("Location", f"http://127.0.0.1:{inside.port}/admin")])
    with pytest.raises(DeliveryFailed, match="302"):
        robot_post(f"http://127.0.0.1:{gateway.port}/hook", {"msgtype": "text"})
    assert len(gateway.hits) == 1 and inside.hits == []


def test_the_test_button_never_shows_what_the_target_answered(alpha, settings, servers):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    client = alpha.client("admin")
    for status, body in [
        (200, json.dumps({"errcode": 40001, "errmsg": "SECRET-internal <b>token</b>"}).encode()),
        (500, b"SECRET stack trace from an internal service"),
        (200, b"<html>SECRET admin panel</html>"),
    ]:
        target = servers(status=status, body=body)
        page = client.post(
            "/compliance/settings/",
            {"webhook_url": f"http://127.0.0.1:{target.port}/hook", "webhook_min_severity": "high", "test": "1"},
        )
        text = page.content.decode()
        assert page.status_code == 200 and "测试消息发送失败" in text
        assert "SECRET" not in text and len(target.hits) == 1


def test_a_good_robot_still_gets_the_message(settings, servers):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    target = servers()
    robot_post(
        f"http://127.0.0.1:{target.port}/cgi-bin/webhook/send?key=k", {"msgtype": "text", "text": {"content": "好"}}
    )
    assert json.loads(target.hits[0]) == {"msgtype": "text", "text": {"content": "好"}}
