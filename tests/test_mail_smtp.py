"""The SMTP transport against a real SMTP server (aiosmtpd) on the loopback interface.

For the TLS tests the server's certificate is self-signed for 127.0.0.1; a test
trusts it by pointing ``SSL_CERT_FILE`` at it, which ``ssl.create_default_context``
reads.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from ielts_rq import mail
from ielts_rq.errors import PermanentError, TransientError
from ielts_rq.settings import load_settings

from .smtp_stub import Collector, free_port

APP_URL = "https://ielts.example.org"
PASSWORD = "s3cret-smtp-pass"
CHART_PNG = b"\x89PNG\r\n\x1a\n fake chart"


def check_login(server, session, envelope, mechanism, auth_data):
    success = auth_data.login == b"mailer" and auth_data.password == PASSWORD.encode()
    # handled=False: aiosmtpd itself answers a failure with "535 ... credentials invalid".
    return AuthResult(success=success, handled=False)


@pytest.fixture
def smtp_server():
    """Start an SMTP server with a handler; yields (handler, port)."""
    controllers = []

    def start(handler=None, **smtp_options):
        handler = handler or Collector()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **smtp_options)
        controller.start()
        controllers.append(controller)
        return handler, controller.port

    yield start
    for controller in controllers:
        controller.stop()


def smtp_settings(tmp_path, port, **extra):
    env = {"IELTS_RQ_HOME": str(tmp_path), "APP_URL": APP_URL, "EMAIL_BACKEND": "smtp",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_SECURITY": "none",
           "FROM_EMAIL": "no-reply@ielts.example.org", "FROM_NAME": "IELTS Practice",
           "SERVICE_CONNECT_TIMEOUT": "2", "SERVICE_READ_TIMEOUT": "5", **extra}
    return load_settings(env)


def test_welcome_and_scoring_messages_arrive_complete(tmp_path, smtp_server):
    handler, port = smtp_server()
    settings = smtp_settings(tmp_path, port)

    mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"), settings=settings)
    mail.send_email("amira@example.com", "scoring_complete", mail.sample_context("scoring_complete"),
                    settings=settings)

    assert [e.mail_from for e in handler.envelopes] == ["no-reply@ielts.example.org"] * 2
    assert [e.rcpt_tos for e in handler.envelopes] == [["amira@example.com"]] * 2
    welcome, scoring = handler.messages()
    assert welcome["Subject"] == "Welcome to IELTS Practice, Amira"
    assert welcome["From"] == "IELTS Practice <no-reply@ielts.example.org>"
    assert welcome["To"] == "amira@example.com"
    assert scoring["Subject"] == "Your Writing Task 2 result: band 6.5"
    text = scoring.get_body(("plain",)).get_content()
    html = scoring.get_body(("html",)).get_content()
    for part in (text, html):
        assert f"{APP_URL}/results/sub_8f3a2c" in part
        assert "Lexical Resource" in part and "6.0" in part
    assert "<td" in html and "Task Response</td>" in html
    assert "Task Response: 6.5" in text


def test_inline_chart_content_id_matches_the_html(tmp_path, smtp_server):
    handler, port = smtp_server()
    settings = smtp_settings(tmp_path, port)
    context = {**mail.sample_context("weekly_report"), "chart_cids": ["weekly-chart"]}

    mail.send_email("amira@example.com", "weekly_report", context, images={"weekly-chart": CHART_PNG},
                    settings=settings)

    (message,) = handler.messages()
    html = message.get_body(("html",)).get_content()
    (image,) = [part for part in message.walk() if part.get_content_type() == "image/png"]
    content_id = image["Content-ID"].strip("<>")
    assert f'src="cid:{content_id}"' in html
    assert image.get_content() == CHART_PNG
    assert image.get_content_disposition() == "inline"


def test_a_batch_shares_one_connection(tmp_path, smtp_server):
    handler, port = smtp_server()
    settings = smtp_settings(tmp_path, port)

    with mail.get_mailer(settings) as mailer:
        for number in range(4):
            mail.send_email(f"learner{number}@example.com", "welcome", mail.welcome_context(f"L{number}"),
                            settings=settings, mailer=mailer)

    assert len(handler.envelopes) == 4
    assert handler.connections == 1


def test_login_with_the_right_password(tmp_path, smtp_server):
    handler, port = smtp_server(authenticator=check_login, auth_require_tls=False)
    settings = smtp_settings(tmp_path, port, SMTP_USERNAME="mailer", SMTP_PASSWORD=PASSWORD)

    mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"), settings=settings)

    assert len(handler.envelopes) == 1


def test_wrong_password_is_permanent_and_never_shown(tmp_path, smtp_server):
    handler, port = smtp_server(authenticator=check_login, auth_require_tls=False)
    wrong = "wrong-" + PASSWORD
    settings = smtp_settings(tmp_path, port, SMTP_USERNAME="mailer", SMTP_PASSWORD=wrong)

    with pytest.raises(PermanentError) as failure:
        mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"), settings=settings)

    assert "535" in str(failure.value) and "refused the login" in str(failure.value)
    assert wrong not in str(failure.value) and wrong not in repr(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
    assert handler.envelopes == []


def test_451_answer_is_transient(tmp_path, smtp_server):
    _, port = smtp_server(Collector(data_answer="451 4.3.0 try later"))

    with pytest.raises(TransientError, match="451 4.3.0 try later"):
        mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"),
                        settings=smtp_settings(tmp_path, port))


def test_550_answer_is_permanent_with_the_servers_answer(tmp_path, smtp_server):
    _, port = smtp_server(Collector(rcpt_answer="550 5.1.1 no such mailbox"))

    with pytest.raises(PermanentError, match="550 5.1.1 no such mailbox"):
        mail.send_email("ghost@example.com", "welcome", mail.sample_context("welcome"),
                        settings=smtp_settings(tmp_path, port))


def test_mailer_reconnects_after_a_failure(tmp_path, smtp_server):
    handler, port = smtp_server(Collector(rcpt_answer="550 5.1.1 no such mailbox"))
    settings = smtp_settings(tmp_path, port)

    with mail.get_mailer(settings) as mailer:
        with pytest.raises(PermanentError):
            mail.send_email("ghost@example.com", "welcome", mail.sample_context("welcome"),
                            settings=settings, mailer=mailer)
        handler.rcpt_answer = None
        mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"),
                        settings=settings, mailer=mailer)

    assert len(handler.envelopes) == 1


def test_connection_refused_is_transient(tmp_path):
    settings = smtp_settings(tmp_path, free_port())

    with pytest.raises(TransientError, match="connection failed"):
        mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"), settings=settings)


@pytest.mark.parametrize("address", ["a@b.com\r\nBcc: x@y.com", "no-at-sign", "two words@example.com"])
def test_bad_address_is_refused_before_connecting(tmp_path, smtp_server, address):
    handler, port = smtp_server()

    with pytest.raises(PermanentError, match="invalid email address"):
        mail.send_email(address, "welcome", mail.sample_context("welcome"),
                        settings=smtp_settings(tmp_path, port))

    assert handler.connections == 0


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert path, key path)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def server_tls(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_then_login(tmp_path, monkeypatch, certificate, server_tls, smtp_server):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    # This server refuses AUTH before STARTTLS, so the send works only if TLS comes first.
    handler, port = smtp_server(authenticator=check_login, tls_context=server_tls, require_starttls=True)
    settings = smtp_settings(tmp_path, port, SMTP_SECURITY="starttls", SMTP_USERNAME="mailer",
                             SMTP_PASSWORD=PASSWORD)

    mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"), settings=settings)

    assert len(handler.envelopes) == 1


def test_implicit_tls_then_login(tmp_path, monkeypatch, certificate, server_tls, smtp_server):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    # aiosmtpd does not count implicit TLS as TLS for its AUTH rule, hence auth_require_tls=False.
    handler, port = smtp_server(authenticator=check_login, ssl_context=server_tls, auth_require_tls=False)
    settings = smtp_settings(tmp_path, port, SMTP_SECURITY="ssl", SMTP_USERNAME="mailer",
                             SMTP_PASSWORD=PASSWORD)

    mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"), settings=settings)

    assert len(handler.envelopes) == 1


def test_untrusted_certificate_is_permanent(tmp_path, server_tls, smtp_server):
    handler, port = smtp_server(tls_context=server_tls)

    with pytest.raises(PermanentError, match="TLS certificate not trusted"):
        mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"),
                        settings=smtp_settings(tmp_path, port, SMTP_SECURITY="starttls"))

    assert handler.envelopes == []


def test_starttls_not_offered_is_permanent(tmp_path, smtp_server):
    _, port = smtp_server()

    with pytest.raises(PermanentError, match="STARTTLS"):
        mail.send_email("amira@example.com", "welcome", mail.sample_context("welcome"),
                        settings=smtp_settings(tmp_path, port, SMTP_SECURITY="starttls"))


class HangsUpAfterAccepting(Collector):
    """Confirms the message with 250, then drops the connection (a server restarting, a proxy timing out)."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.envelopes.append(envelope)
        asyncio.get_running_loop().call_later(0.05, server.transport.close)
        return "250 Message accepted for delivery"


def test_a_message_confirmed_before_the_server_hung_up_is_sent_once(redis_conn, smtp_server):
    from ielts_rq import enqueue
    from ielts_rq.queueing.queues import JsonJob

    from .conftest import run_worker

    handler, port = smtp_server(HangsUpAfterAccepting())
    job = enqueue("send_welcome_email", "learner@example.com", "Lee")
    run_worker("email", env={"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                             "SMTP_SECURITY": "none"})
    assert JsonJob.fetch(job.id, connection=redis_conn).get_status() == "finished"
    assert len(handler.envelopes) == 1


def test_every_attempt_of_one_job_carries_the_same_message_id(tmp_path, smtp_server):
    handler, port = smtp_server()
    settings = smtp_settings(tmp_path, port)
    for _ in range(2):  # as a retry would, after a connection lost before the server's answer
        mail.send_email("learner@example.com", "welcome", {"name": "Lee"}, settings=settings,
                        message_key="job-123:send_welcome_email")
    mail.send_email("learner@example.com", "welcome", {"name": "Lee"}, settings=settings)
    first, again, other = (message["Message-ID"] for message in handler.messages())
    assert first == again and other != first
