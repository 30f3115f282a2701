"""``rediss://`` as managed Redis offers it: verified against a CA file, or unverified when asked for."""

import ssl
import time

import pytest
import trustme

from ielts_rq.queueing.connection import get_connection
from ielts_rq.queueing.queues import JsonJob

from .conftest import cli, run_worker
from .tls_proxy import TlsProxy


@pytest.fixture(scope="module")
def tls(server, tmp_path_factory):
    """(the rediss:// URL, the CA file that signed its certificate)."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca_file = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    proxy = TlsProxy(server.removeprefix("unix://").split("?")[0], context)
    yield f"rediss://127.0.0.1:{proxy.port}/0", str(ca_file)
    proxy.close()


@pytest.mark.slow
def test_a_job_goes_through_redis_over_tls(redis_conn, tls):
    url, ca_file = tls
    env = {"REDIS_URL": url, "REDIS_SSL_CA_CERTS": ca_file}
    enqueued = cli("enqueue", "health-check", "--json", env=env)
    assert enqueued.returncode == 0, enqueued.stderr
    run_worker("health", env=env)
    job_id = [key.decode().split(":")[-1] for key in get_connection().keys("rq:job:*")][0]
    assert JsonJob.fetch(job_id, connection=redis_conn).get_status() == "finished"


@pytest.mark.timing
def test_an_unverifiable_certificate_is_refused_quickly_and_clearly(redis_conn, tls):
    url, _ = tls
    started = time.monotonic()
    result = cli("status", env={"REDIS_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "certificate verify failed" in lines[0] and "TLS" in lines[0], result.stderr
    assert time.monotonic() - started < 15


def test_verification_can_be_turned_off_for_a_self_signed_server(redis_conn, tls):
    url, _ = tls
    result = cli("status", env={"REDIS_URL": url, "REDIS_SSL_CERT_REQS": "none"})
    assert result.returncode == 0, result.stderr


def test_a_missing_ca_file_is_named_at_start(tls):
    url, _ = tls
    result = cli("status", env={"REDIS_URL": url, "REDIS_SSL_CA_CERTS": "/nonexistent/ca.pem"})
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: configuration: REDIS_SSL_CA_CERTS: no such file: /nonexistent/ca.pem"
