"""Without EMAIL_URL, an email is printed for a person to read: the subject and the text in
Chinese as written, not the MIME source with base64."""

import io

from django.core.mail import EmailMultiAlternatives

from apps.common.mail import ReadableConsoleBackend


def test_an_email_prints_as_words():
    out = io.StringIO()
    message = EmailMultiAlternatives(
        "数据日报 2026-12-02", "王芳，昨日成交 ¥1,234.00。", "noreply@x", ["wf@example.com"]
    )
    message.attach_alternative("<p>王芳</p>", "text/html")
    ReadableConsoleBackend(stream=out).send_messages([message])
    printed = out.getvalue()
    assert "Subject: 数据日报 2026-12-02" in printed and "王芳，昨日成交 ¥1,234.00。" in printed
    assert "To: wf@example.com" in printed and "text/html" in printed and "base64" not in printed
