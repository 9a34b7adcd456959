"""The outbox: mail queued with an action, sent once through a real SMTP server, retried."""

import ssl
import subprocess
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from course.db import new_session, utcnow
from course.mail.delivery import deliver_queued
from course.mail.models import OutboxMail
from course.mail.outbox import Mail, queue_mails
from course.mail.sender import parse_smtp_url
from tests.conftest import MailServer, free_port


def queue(app, *addresses: str) -> list[int]:
    with app.app_context(), new_session(write=True) as session:
        ids = queue_mails(
            session,
            [
                Mail(
                    to=address,
                    subject=f"Hello {address}",
                    text=f"Plain words for {address}",
                    html=f"<p>Rich words for {address}</p>",
                )
                for address in addresses
            ],
            utcnow(),
        )
        session.commit()
        return ids


def outbox(app) -> list[OutboxMail]:
    with app.app_context(), new_session() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def deliver(app, **options):
    with app.app_context():
        return deliver_queued(**options)


def test_a_queued_mail_arrives_once_with_text_and_html_parts(mail_app, mail_server):
    queue(mail_app, "ada@example.com")
    assert deliver(mail_app).sent == 1
    [mail] = mail_server.received
    assert mail["To"] == "ada@example.com"
    assert mail["From"] == "course@learn.example.com"
    assert mail["Subject"] == "Hello ada@example.com"
    assert mail.get_body(("plain",)).get_content().strip() == "Plain words for ada@example.com"
    assert "<p>Rich words" in mail.get_body(("html",)).get_content()
    [row] = outbox(mail_app)
    assert row.sent_at is not None
    assert row.text_body == row.html_body == ""  # no link outlives its delivery

    assert deliver(mail_app).sent == 0
    assert len(mail_server.received) == 1


def test_the_sender_is_the_mail_from_setting(make_app, mail_server):
    app = make_app(SMTP_URL=mail_server.url, MAIL_FROM="Training <training@example.org>")
    queue(app, "ada@example.com")
    deliver(app)
    assert mail_server.received[0]["From"] == "Training <training@example.org>"


def test_a_mail_that_failed_while_the_server_was_down_is_sent_when_it_is_back(
    mail_app, mail_server
):
    mail_server.stop()
    queue(mail_app, "ada@example.com", "ben@example.com")
    delivery = deliver(mail_app)
    assert (delivery.sent, delivery.failed) == (0, 1)
    assert "Connection refused" in delivery.error or "Errno" in delivery.error
    first, second = outbox(mail_app)
    assert first.attempts == 1
    assert first.next_try_at > utcnow()  # not hammered: tried again later
    assert first.claimed_at is None
    assert second.claimed_at is None
    assert second.attempts == 0  # never tried, so nothing counted against it

    mail_server.start()
    assert deliver(mail_app).sent == 1  # only the one not waiting for its next try
    with mail_app.app_context(), new_session(write=True) as session:
        session.execute(update(OutboxMail).values(next_try_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert deliver(mail_app).sent == 1
    assert sorted(mail["To"] for mail in mail_server.received) == [
        "ada@example.com",
        "ben@example.com",
    ]


def test_a_refused_address_is_retried_later_without_holding_up_the_others(mail_app, mail_server):
    mail_server.refused.add("gone@example.com")
    queue(mail_app, "gone@example.com", "ada@example.com")
    delivery = deliver(mail_app)
    assert (delivery.sent, delivery.failed) == (1, 1)
    assert "No such mailbox" in delivery.error
    refused, sent = outbox(mail_app)
    assert (refused.attempts, refused.sent_at) == (1, None)
    assert sent.sent_at is not None
    assert [mail["To"] for mail in mail_server.received] == ["ada@example.com"]


def test_a_mail_claimed_by_another_process_is_left_to_it_until_the_claim_is_stale(
    mail_app, mail_server
):
    [mail_id] = queue(mail_app, "ada@example.com")
    with mail_app.app_context(), new_session(write=True) as session:
        session.execute(update(OutboxMail).values(claimed_at=utcnow()))
        session.commit()
    assert deliver(mail_app).sent == 0
    assert mail_server.received == []
    with mail_app.app_context(), new_session(write=True) as session:
        session.execute(update(OutboxMail).values(claimed_at=utcnow() - timedelta(hours=1)))
        session.commit()
    assert deliver(mail_app, ids=[mail_id]).sent == 1


def test_two_processes_delivering_at_once_send_each_mail_once(mail_app, mail_server):
    addresses = [f"learner{number}@example.com" for number in range(60)]
    queue(mail_app, *addresses)
    results = []

    def run():
        results.append(deliver(mail_app))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.sent for result in results) == 60
    assert sorted(mail["To"] for mail in mail_server.received) == sorted(addresses)


def test_nothing_is_sent_without_an_smtp_server_setting(app, mail_server):
    queue(app, "ada@example.com")
    assert deliver(app).sent == 0
    assert mail_server.received == []


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by this test's TLS clients."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_through_starttls_and_tls(make_app, certificate, security):
    server = MailServer(free_port(), tls=security, ssl_context=certificate)
    server.start()
    try:
        app = make_app(SMTP_URL=server.url, BASE_URL="https://learn.example.com")
        queue(app, "ada@example.com")
        assert deliver(app).sent == 1
        assert [mail["To"] for mail in server.received] == ["ada@example.com"]
    finally:
        server.stop()


def test_a_server_whose_certificate_is_not_trusted_gets_no_mail(make_app, certificate, monkeypatch):
    server = MailServer(free_port(), tls="tls", ssl_context=certificate)
    server.start()
    monkeypatch.delenv("SSL_CERT_FILE")
    try:
        app = make_app(SMTP_URL=server.url)
        queue(app, "ada@example.com")
        delivery = deliver(app)
        assert (delivery.sent, delivery.failed) == (0, 1)
        assert "CERTIFICATE_VERIFY_FAILED" in delivery.error
        assert server.received == []
    finally:
        server.stop()


def test_smtp_addresses_are_read_with_their_security_and_credentials():
    server = parse_smtp_url("smtp+starttls://mailer%40example.com:p%3Ass@mail.example.com")
    assert (server.security, server.host, server.port) == ("starttls", "mail.example.com", 587)
    assert (server.username, server.password) == ("mailer@example.com", "p:ss")
    assert parse_smtp_url("smtps://mail.example.com").port == 465
    assert parse_smtp_url("smtp://127.0.0.1:2525").port == 2525


@pytest.mark.parametrize(
    "value", ["mail.example.com", "http://mail.example.com", "smtp://", "smtp://host:x"]
)
def test_a_bad_smtp_address_stops_the_app_with_a_message(make_app, value):
    with pytest.raises(ValueError, match="COURSE_SMTP_URL must be"):
        make_app(SMTP_URL=value)


def test_the_message_about_a_bad_smtp_address_hides_its_password(make_app):
    with pytest.raises(ValueError, match="COURSE_SMTP_URL") as error:
        make_app(SMTP_URL="smtp://user:secret-word@host:x")
    assert "secret-word" not in str(error.value)
