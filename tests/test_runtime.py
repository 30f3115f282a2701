"""One runtime per process, or per block: settings, the queue-to-server map and clients follow the one in force."""

from __future__ import annotations

import os
import threading

from ielts_rq import runtime
from ielts_rq.queueing import connection
from ielts_rq.queueing.queues import get_queue
from ielts_rq.runtime import Runtime
from ielts_rq.settings import get_settings


def test_a_block_runs_under_settings_of_its_own_and_the_process_keeps_its_own():
    before = get_settings()
    assert before.email_backend == "outbox"
    with runtime.use(Runtime.from_env({**os.environ, "EMAIL_BACKEND": "smtp", "SMTP_HOST": "mail.example"})):
        assert get_settings().email_backend == "smtp"
        assert get_settings().smtp_host == "mail.example"
        assert get_settings() is get_settings()  # parsed once per runtime
    assert get_settings() is before


def test_a_runtime_is_a_snapshot_of_its_environment():
    env = {**os.environ, "LOG_LEVEL": "DEBUG"}
    built = Runtime.from_env(env)
    env["LOG_LEVEL"] = "ERROR"
    with runtime.use(built):
        assert get_settings().log_level == "DEBUG"
    assert "DEBUG" not in repr(built) and "IELTS_RQ_HOME" not in repr(built)  # no environment, no secret shown


def test_each_runtime_keeps_its_own_clients_and_patience(server):
    process_client, process_patience = connection.get_connection(), runtime.current().patience
    assert connection.get_connection() is process_client
    with runtime.use(Runtime.from_env({**os.environ, "REDIS_URL": server}, patience="worker")) as other:
        connection.impatient()
        assert other.patience == "command"
        client = connection.get_connection()
        assert client is not process_client and client is connection.get_connection()
        assert client.connection_pool.connection_kwargs["socket_connect_timeout"] == 2.0
        assert client.ping()
    assert runtime.current().patience == process_patience  # the process's patience is untouched
    assert connection.get_connection() is process_client


def test_which_server_holds_a_queue_follows_the_runtime(server, redis_conn):
    own_server = f"{server}?db=3"  # another database of the suite's server stands for a server of its own
    with runtime.use(Runtime.from_env({**os.environ, "REDIS_URL": server, "REDIS_URL_SCORING": own_server})):
        assert connection.queues_are_split() and connection.split_off_queues() == ["scoring"]
        assert connection.queue_server_url("scoring") == own_server
        assert connection.queue_server_url("email") == server
        assert connection.queue_server_urls() == [server, own_server]
        assert connection.queues_by_server(["email", "scoring", "analytics"]) == [["email", "analytics"], ["scoring"]]
        assert get_queue("scoring").connection is connection.client_for(own_server)
        assert len(connection.servers_holding_queues()) == 2
    assert not connection.queues_are_split()
    assert connection.queue_server_url("scoring") == connection.redis_url()
    assert connection.servers_holding_queues() == [connection.get_connection()]


def test_a_thread_without_a_block_of_its_own_reads_the_process_runtime():
    seen = []
    with runtime.use(Runtime.from_env({**os.environ, "LOG_LEVEL": "ERROR"})):
        thread = threading.Thread(target=lambda: seen.append(get_settings().log_level))
        thread.start()
        thread.join()
        assert get_settings().log_level == "ERROR"
    assert seen == [get_settings().log_level]


def test_an_in_process_worker_runs_jobs_under_settings_of_its_own(redis_conn):
    import json
    import signal

    from ielts_rq import enqueue
    from ielts_rq.mail.transports import list_outbox, read_outbox

    from .inprocess import work_in_process

    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    job = enqueue("send_welcome_email", "runtime@example.com", "Rui")
    result = work_in_process("email", env={"FROM_NAME": "Runtime Coach", "LOG_FORMAT": "json"})
    assert result.worked
    assert job.get_status(refresh=True) == "finished"
    [entry] = [e for e in list_outbox(get_settings()) if e["to"] == "runtime@example.com"]
    assert read_outbox(entry["id"], get_settings())["From"].startswith("Runtime Coach")
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"job": "send_welcome_email", "outcome": "started"}.items() <= next(
        line for line in lines if line.get("job_id") == job.id).items()
    assert get_settings().from_name == "IELTS Practice" and runtime.current().patience != "worker"
    assert {signum: signal.getsignal(signum) for signum in handlers} == handlers
