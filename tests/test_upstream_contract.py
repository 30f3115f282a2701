"""The internals of RQ, rq-scheduler, redis-py and rq-dashboard that ielts-rq overrides still exist.

ielts-rq subclasses RQ's jobs, queues, workers and pool, rq-scheduler's
scheduler and redis-py's connections, and replaces a few names inside
rq-dashboard. An upgrade that renames or re-signs one of those methods would
not fail loudly: the override would simply stop being called. These tests fail
instead, so an upgrade (the pins in pyproject.toml are narrow for this reason)
is a decision made with this list in hand.
"""

from __future__ import annotations

import inspect

import pytest

UPSTREAM = ("rq", "rq_scheduler", "redis", "rq_dashboard")

# Every method of ours that replaces one upstream, by the class that defines ours.
OVERRIDES = {
    "JsonJob": {"__init__", "_execute", "failure_callback", "fetch", "fetch_many", "func", "get_status", "restore",
                "retry", "send_webhooks", "stopped_callback", "success_callback"},
    "_IntermediateQueue": {"cleanup", "should_be_cleaned_up"},
    "IeltsQueue": {"acquire_maintenance_lock", "create_job", "dequeue_any", "intermediate_queue"},
    "_IeltsWorkerMixin": {"__init__", "dequeue_job_and_maintain_ttl", "execute_job", "get_heartbeat_ttl",
                          "handle_exception", "handle_job_failure", "handle_payload", "heartbeat",
                          "increment_failed_job_count", "increment_successful_job_count", "maintain_heartbeats", "perform_job",
                          "prepare_job_execution", "request_force_stop", "run_maintenance_tasks", "work"},
    "ForkingWorker": {"fork_work_horse", "handle_warm_shutdown_request", "handle_work_horse_killed",
                      "imminent_shutdown_delay", "kill_horse", "main_work_horse", "monitor_work_horse", "perform_job",
                      "setup_work_horse_signals", "wait_for_horse"},
    "InProcessWorker": {"_finalize_failure", "_finalize_success", "_install_signal_handlers", "execute_job",
                        "handle_exception", "handle_warm_shutdown_request", "kill_horse", "perform_job",
                        "prepare_job_execution"},
    "_Pool": {"__init__", "all_workers_have_stopped", "get_worker_process", "reap_workers", "request_stop", "start",
              "stop_worker"},
    "CronScheduler": {"__init__", "acquire_lock", "enqueue_job", "enqueue_jobs", "heartbeat", "job_class",
                      "remove_lock"},
    "_RetryWhileDown": {"__init__", "call_with_retry"},
    "_Bounded": {"connect_check_health", "on_connect_check_health", "read_response", "send_command",
                 "send_packed_command"},
    "_PrimaryConnection": {"_connect"},
    "_Sentinels": {"discover_master"},
}


# Classes only ielts-rq constructs: upstream never calls their __init__ with its own arguments.
BUILT_BY_IELTS_RQ = {"_Pool", "_RetryWhileDown"}

# Names inside rq_dashboard.web that the dashboard replaces (JSON jobs, our connections).
DASHBOARD_NAMES = ("config", "Job", "Worker", "requeue_job", "from_url", "setup_rq_connection")


def our_classes() -> dict:
    from ielts_rq.queueing import connection, queues, schedule, worker

    found = {}
    for module in (queues, worker, schedule, connection):
        for name, value in vars(module).items():
            # Our exceptions only subclass redis-py's to be caught as theirs.
            if inspect.isclass(value) and value.__module__ == module.__name__ and not issubclass(value, Exception):
                found[name] = value
    return found


def upstream_owner(cls, name: str, mixin_targets=()):
    """The upstream class that defines ``name`` for ``cls``, or None."""
    for base in [*cls.__mro__[1:], *mixin_targets]:
        if base.__module__.split(".")[0] in UPSTREAM and name in vars(base):
            return base
    return None


def mixin_targets(cls, classes) -> tuple:
    """For a mixin, the upstream classes it is mixed into by our other classes."""
    users = [other for other in classes.values() if cls in other.__mro__[1:]]
    return tuple(base for user in users for base in user.__mro__ if base.__module__.split(".")[0] in UPSTREAM)


def discovered_overrides() -> dict:
    classes = our_classes()
    found = {}
    for class_name, cls in classes.items():
        targets = mixin_targets(cls, classes)
        names = {name for name in vars(cls) if (not name.startswith("_abc") and not name.startswith("__")
                                                  or name == "__init__")
                 and upstream_owner(cls, name, targets) is not None}
        if names:
            found[class_name] = names
    return found


def test_every_override_is_listed_and_still_replaces_an_upstream_method():
    """A listed override that no longer matches upstream, or a new one nobody listed, fails here."""
    assert discovered_overrides() == OVERRIDES


def _parameters(function) -> list[inspect.Parameter]:
    function = function.fget if isinstance(function, property) else function
    function = function.__func__ if isinstance(function, classmethod | staticmethod) else function
    return list(inspect.signature(function).parameters.values())[1:]  # without self / cls


@pytest.mark.parametrize("class_name,method", sorted((c, m) for c, ms in OVERRIDES.items() for m in ms))
def test_each_override_accepts_what_upstream_passes(class_name, method):
    classes = our_classes()
    cls = classes[class_name]
    owner = upstream_owner(cls, method, mixin_targets(cls, classes))
    upstream = vars(owner)[method]
    if not callable(upstream) and not isinstance(upstream, property | classmethod | staticmethod):
        pytest.skip(f"{method} is a class attribute upstream, not a method")  # its presence is checked above
    if method == "__init__" and class_name in BUILT_BY_IELTS_RQ:
        pytest.skip(f"only ielts-rq builds a {class_name}")
    ours, theirs = _parameters(vars(cls)[method]), _parameters(vars(owner)[method])
    takes_any_keyword = any(p.kind is p.VAR_KEYWORD for p in ours)
    takes_any_position = any(p.kind is p.VAR_POSITIONAL for p in ours)
    our_names = {p.name for p in ours}
    for parameter in theirs:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        assert parameter.name in our_names or takes_any_keyword or (
            takes_any_position and parameter.kind is parameter.POSITIONAL_ONLY), (
            f"{owner.__module__}.{owner.__name__}.{method} takes {parameter.name!r}; "
            f"ielts_rq's {class_name}.{method} does not")
    required = [p.name for p in ours if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    their_names = {p.name for p in theirs}
    assert set(required) <= their_names or any(p.kind is p.VAR_KEYWORD for p in theirs), (
        f"{class_name}.{method} requires {set(required) - their_names}, which upstream never passes")


def test_the_dashboard_still_reads_the_names_ielts_rq_replaces():
    import rq_dashboard.web

    missing = [name for name in DASHBOARD_NAMES if not hasattr(rq_dashboard.web, name)]
    assert not missing, f"rq_dashboard.web no longer has {missing}: the JSON-only and connection guards would not apply"


def test_the_pins_admit_only_the_versions_this_list_was_checked_against():
    """A new minor release of a library whose internals are overridden is an explicit upgrade."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    pins = {Requirement(line).name.lower(): Requirement(line).specifier for line in pyproject["project"]["dependencies"]}
    for name, installed, next_minor in (("rq", "3.0.0", "3.1.0"), ("rq-scheduler", "0.14.0", "0.15.0"),
                                        ("redis", "8.1.0", "8.2.0"), ("rq-dashboard", "0.9.0", "0.10.0")):
        assert installed in pins[name] and next_minor not in pins[name], f"{name}: {pins[name]}"
