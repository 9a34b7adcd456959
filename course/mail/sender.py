"""Talking to the SMTP server named by ``COURSE_SMTP_URL``: plain, STARTTLS or TLS.

Built on the standard library's ``smtplib``, ``ssl`` and ``email`` packages:
well kept, part of every Python, and all this needs.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

# scheme -> (how the connection is secured, the usual port)
SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


@dataclass(frozen=True)
class SmtpServer:
    security: str  # "plain", "starttls" or "tls"
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(value: str) -> SmtpServer:
    """Read ``smtp://[user:password@]host:port`` (or ``smtp+starttls://``, ``smtps://``)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port  # reading it checks it
        is_address = parts.scheme in SCHEMES and bool(parts.hostname) and port != 0
    except ValueError:
        is_address = False
    if not is_address or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            "COURSE_SMTP_URL must be smtp://[user:password@]host:port, smtp+starttls://… "
            f"or smtps://…, not {_without_password(value)!r}"
        )
    security, usual_port = SCHEMES[parts.scheme]
    return SmtpServer(
        security=security,
        host=parts.hostname,
        port=port or usual_port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _without_password(value: str) -> str:
    try:
        parts = urlsplit(value)
        if parts.password:
            return value.replace(parts.password, "***", 1)
    except ValueError:
        pass
    return value


def email_message(
    *, sender: str, to: str, subject: str, text: str, html: str, domain: str
) -> EmailMessage:
    """Return a mail with a text part and an HTML alternative."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


class SmtpConnection:
    """One connection to the server, for as many mails as a delivery sends."""

    def __init__(self, server: SmtpServer, timeout: float):
        self.server = server
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect, secure the connection as configured, and sign in."""
        server = self.server
        # The system's trusted certificates and hostname checks, as a browser would.
        context = ssl.create_default_context()
        if server.security == "tls":
            self.smtp = smtplib.SMTP_SSL(
                server.host, server.port, timeout=self.timeout, context=context
            )
        else:
            self.smtp = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        try:
            if server.security == "starttls":
                self.smtp.starttls(context=context)
            if server.username:
                self.smtp.login(server.username, server.password or "")
        except BaseException:
            self.smtp.close()
            raise

    def send(self, message: EmailMessage) -> None:
        """Hand the mail to the server; returns once the server accepted it, else raises."""
        refused = self.smtp.send_message(message)
        if refused:  # only with several recipients; each mail here has one
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self, *, politely: bool = True) -> None:
        """Say goodbye to the server (or just hang up, when it stopped answering)."""
        if self.smtp is None:
            return
        try:
            if politely:
                self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            self.smtp.close()
            self.smtp = None
