"""Email printed for a person reading a terminal (`make run` with no EMAIL_URL): who it is for, the
subject and the plain-text body as words, not the MIME source with its base64-encoded Chinese."""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message) -> None:
        rule = "─" * 72
        lines = [
            rule,
            f"To: {', '.join(message.to)}",
            f"From: {message.from_email}",
            f"Subject: {message.subject}",
            "",
            message.body.rstrip(),
        ]
        alternatives = getattr(message, "alternatives", [])
        if alternatives:
            lines.append(f"\n(+ {', '.join(kind for _content, kind in alternatives)} version)")
        self.stream.write("\n".join(lines) + f"\n{rule}\n")
