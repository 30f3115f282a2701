"""Both doors to the queues, ``ielts_rq.enqueue()`` and ``ielts-rq enqueue``, refuse what the job would
refuse, with the job's own message, before anything is queued."""

import re

import pytest

from ielts_rq import JobArgumentsError, PermanentError, enqueue, enqueue_many, store
from ielts_rq.errors import NotFound
from ielts_rq.queueing.queues import get_queue

from .conftest import cli


def _nothing_queued(redis_conn):
    return redis_conn.keys("rq:job:*") == [] and all(get_queue(name).count == 0 for name in ("scoring", "email"))


def test_the_api_refuses_a_body_past_the_jobs_limit(redis_conn):
    body = "x" * (100 * 1024 * 1024)  # a 100 MB email body: the job allows 100,000 characters
    with pytest.raises(PermanentError, match="text is 104,857,600 characters; the limit is 100,000"):
        enqueue("send_generic_email", "learner@example.com", "Your results", body)
    with pytest.raises(PermanentError, match="invalid email address"):
        enqueue("send_welcome_email", "not-an-address", "Nia", delay=60)  # a scheduled job passes the same door
    assert _nothing_queued(redis_conn)


def test_the_api_refuses_a_missing_submission(redis_conn):
    for job in ("score_submission", "generate_feedback"):
        with pytest.raises(NotFound, match="submission sub_missing not found"):
            enqueue(job, "sub_missing")
    assert _nothing_queued(redis_conn)
    submission_id = store.create_submission("learner-9", "writing_task_2", "An answer that exists. " * 20)
    assert enqueue("score_submission", submission_id).id == f"score_submission-{submission_id}"


@pytest.mark.parametrize("job, args, kwargs, message", [
    ("send_welcome_email", ("a@example.com",), {}, "send_welcome_email: missing a required argument: 'name'"),
    ("score_submission", (), {}, "score_submission: missing a required argument: 'submission_id'"),
    ("score_submission", ("a", "b"), {}, "score_submission: too many positional arguments"),
    ("score_submission", ("a",), {"force": True}, "score_submission: got an unexpected keyword argument 'force'"),
    ("health_check", ("now",), {}, "health_check: too many positional arguments"),
])
def test_arguments_that_do_not_fit_the_job_are_refused_naming_it(redis_conn, job, args, kwargs, message):
    with pytest.raises(JobArgumentsError) as refused:
        enqueue(job, *args, **kwargs)
    assert message in str(refused.value) and "takes (" in str(refused.value)
    assert isinstance(refused.value, PermanentError) and isinstance(refused.value, TypeError)
    with pytest.raises(JobArgumentsError, match=message):
        enqueue_many(job, [(("ok",), {}), (args, kwargs)])
    assert _nothing_queued(redis_conn)


@pytest.mark.slow
def test_the_command_line_refuses_with_the_same_message(redis_conn):
    result = cli("enqueue", "welcome-email", "--email", "a@example.com")
    assert result.returncode == 2, result.stderr
    assert "send_welcome_email: missing a required argument: 'name'" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    result = cli("enqueue", "generic-email", "--to", "a@example.com", "--subject", "Hi", "--text", "x" * 100_001)
    assert result.returncode == 2 and "text is 100,001 characters; the limit is 100,000" in result.stderr
    assert _nothing_queued(redis_conn)


@pytest.mark.parametrize("job, args, message", [
    ("score_batch", ([],), "non-empty list"),
    ("score_batch", ([1, 2],), "invalid submission id 1"),
    ("cleanup_old_results", (-1,), "positive whole number of days"),
    ("cleanup_old_results", ("30",), "positive whole number of days"),
    ("cleanup_temp_files", (True,), "positive whole number of hours"),
    ("cleanup_old_analytics", (0,), "positive whole number of days"),
    ("process_user_analytics", ("u1", "8d"), "is not 7d, 30d, 90d or START..END"),
    ("process_user_analytics", ("../u", "7d"), "invalid user id"),
    ("process_platform_analytics", ("2026-13-01..2026-13-02",), "month must be in 1..12"),
    ("generate_weekly_report", ("monthly",), "report kind must be one of user, platform"),
    ("generate_weekly_report", ("user",), "a user report needs a user_id"),
    ("generate_weekly_report", ("platform", None, "yesterday"), "today must be an ISO date"),
])
def test_the_api_refuses_the_values_the_command_line_refuses(redis_conn, job, args, message):
    with pytest.raises(PermanentError, match=re.escape(message)):
        enqueue(job, *args)
    assert redis_conn.keys("rq:job:*") == []


def _parameters(function) -> list[tuple]:
    import inspect

    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_each_door_check_is_a_field_of_its_jobs_policy_and_takes_the_jobs_parameters():
    import importlib

    from ielts_rq.policies import POLICIES

    def resolve(dotted):
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)

    checked = {name: policy for name, policy in POLICIES.items() if policy.door_check}
    assert {"send_generic_email", "score_batch", "upload_to_s3", "cleanup_old_analytics"} <= set(checked)
    for name, policy in checked.items():
        job, check = resolve(policy.func), resolve(policy.door_check)
        # In the job's own module, and called with the job's arguments: it must take exactly what the job takes.
        assert policy.door_check.rpartition(".")[0] == policy.func.rpartition(".")[0], name
        assert _parameters(check) == _parameters(job), name
    for module in {policy.func.rpartition(".")[0] for policy in POLICIES.values()}:
        assert not hasattr(importlib.import_module(module), "DOOR_CHECKS"), f"{module}: the policy names its checks"
