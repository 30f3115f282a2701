"""The SendGrid transport against a local HTTP server standing in for the v3 API."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ielts_rq import mail
from ielts_rq.errors import PermanentError, TransientError
from ielts_rq.settings import load_settings

API_KEY = "SG.test-key-never-shown"
CHART_PNG = b"\x89PNG\r\n\x1a\n fake chart"


class FakeSendGrid(BaseHTTPRequestHandler):
    """Records each request on the server and answers with the server's set reply."""

    protocol_version = "HTTP/1.1"  # keep-alive, so a batch can reuse its connection

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers),
                                     "json": json.loads(body), "client": self.client_address})
        status, answer = self.server.reply
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        if status == 202:
            self.send_header("X-Message-Id", f"sg-{len(self.server.requests)}")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture
def sendgrid_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSendGrid)
    server.requests = []
    server.reply = (202, b"")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path, sendgrid_server):
    host, port = sendgrid_server.server_address
    return load_settings({"IELTS_RQ_HOME": str(tmp_path), "APP_URL": "https://ielts.example.org",
                          "EMAIL_BACKEND": "sendgrid", "SENDGRID_API_KEY": API_KEY,
                          "SENDGRID_BASE_URL": f"http://{host}:{port}",
                          "FROM_EMAIL": "no-reply@ielts.example.org", "FROM_NAME": "IELTS Practice",
                          "SERVICE_CONNECT_TIMEOUT": "2", "SERVICE_READ_TIMEOUT": "5"})


def send_weekly_report(settings, **options):
    context = {**mail.sample_context("weekly_report"), "chart_cids": ["weekly-chart"]}
    return mail.send_email("amira@example.com", "weekly_report", context,
                           images={"weekly-chart": CHART_PNG}, settings=settings, **options)


def test_payload_and_bearer_key(settings, sendgrid_server):
    message_id = send_weekly_report(settings, headers={"List-Unsubscribe": "<https://ielts.example.org/u>"})

    (request,) = sendgrid_server.requests
    assert message_id == "sg-1"
    assert request["path"] == "/v3/mail/send"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    payload = request["json"]
    assert payload["personalizations"] == [{"to": [{"email": "amira@example.com"}]}]
    assert payload["from"] == {"email": "no-reply@ielts.example.org", "name": "IELTS Practice"}
    assert payload["subject"].startswith("Your week in IELTS practice")
    assert [c["type"] for c in payload["content"]] == ["text/plain", "text/html"]
    assert "Lexical Resource" in payload["content"][0]["value"]
    assert 'src="cid:weekly-chart"' in payload["content"][1]["value"]
    (attachment,) = payload["attachments"]
    assert attachment == {"content": base64.b64encode(CHART_PNG).decode(), "type": "image/png",
                          "filename": "weekly-chart.png", "disposition": "inline",
                          "content_id": "weekly-chart"}
    assert payload["headers"] == {"List-Unsubscribe": "<https://ielts.example.org/u>"}


def test_a_batch_reuses_one_http_connection(settings, sendgrid_server):
    with mail.get_mailer(settings) as mailer:
        for _ in range(3):
            send_weekly_report(settings, mailer=mailer)

    clients = {request["client"] for request in sendgrid_server.requests}
    assert len(sendgrid_server.requests) == 3 and len(clients) == 1


def test_400_is_permanent_with_the_answer_body(settings, sendgrid_server):
    answer = {"errors": [{"message": "The from address does not match a verified Sender Identity."}]}
    sendgrid_server.reply = (400, json.dumps(answer).encode())

    with pytest.raises(PermanentError, match="400.*verified Sender Identity") as failure:
        send_weekly_report(settings)

    assert API_KEY not in str(failure.value)


def test_long_answer_is_truncated(settings, sendgrid_server):
    sendgrid_server.reply = (413, b"x" * 5000)

    with pytest.raises(PermanentError) as failure:
        send_weekly_report(settings)

    assert len(str(failure.value)) < 400


def test_an_answer_echoing_the_key_is_masked(settings, sendgrid_server):
    sendgrid_server.reply = (401, f"bad key {API_KEY}".encode())

    with pytest.raises(PermanentError, match=r"401.*bad key \*{4}") as failure:
        send_weekly_report(settings)

    assert API_KEY not in str(failure.value)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_429_and_5xx_are_transient(settings, sendgrid_server, status):
    sendgrid_server.reply = (status, b'{"errors": [{"message": "slow down"}]}')

    with pytest.raises(TransientError, match=f"{status}.*slow down"):
        send_weekly_report(settings)


def test_unreachable_api_is_transient(settings, sendgrid_server):
    sendgrid_server.shutdown()
    sendgrid_server.server_close()

    with pytest.raises(TransientError, match="SendGrid unreachable") as failure:
        send_weekly_report(settings)

    assert API_KEY not in str(failure.value)


def test_the_key_is_not_in_the_mailers_repr(settings):
    with mail.get_mailer(settings) as mailer:
        assert API_KEY not in repr(mailer) and API_KEY not in repr(vars(mailer).get("settings"))
