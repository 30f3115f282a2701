"""The dashboard: rq-dashboard mounted behind authentication, plus this system's own pages.

rq-dashboard has no authentication, answers GET on its requeue-all URL and
renders job text unescaped. Here every page needs HTTP basic auth (when
credentials are configured), destructive actions need a same-origin POST,
the single-job data it renders raw is HTML-escaped on the way out, and every
response carries a strict Content-Security-Policy. Without credentials it
answers only requests addressed to this machine by name (the Host header), so a
web page on another domain that resolves to 127.0.0.1 cannot read or act on it.
"""

from __future__ import annotations

import functools
import hmac
import html
import json
import secrets
from pathlib import Path

import rq_dashboard
from flask import (Blueprint, Flask, Response, abort, redirect, render_template, request, send_from_directory,
                   url_for)
from rq import Queue, requeue_job
from rq.exceptions import NoSuchJobError
from rq.serializers import JSONSerializer
from rq.worker import Worker

from .. import store
from ..assets import templates_dir
from ..errors import PermanentError
from ..policies import QUEUES
from ..queueing import control, schedule, timeline
from ..queueing.connection import client_for, get_connection, impatient, queue_server_urls
from ..queueing.depths import queue_counts, waiting
from ..queueing.waiting import LABELS, format_wait
from ..queueing.queues import JsonJob, locate_jobs
from ..settings import get_settings
from . import failure_groups, inspection, jobpage, monitor, search, svgchart, timeseries
from .metrics import exposition
from . import registries

RQ_PREFIX = "/rq"
# Every page that shows state reloads itself (a meta refresh: no script needed); the pages that read whole
# registries less often, so an open tab does not keep Redis busy.
REFRESH_SECONDS = {"ielts.overview": 15, "ielts.workers_page": 15, "ielts.schedule_page": 15, "ielts.batches_page": 30,
                   "ielts.health_page": 30, "ielts.depth_page": 30, "ielts.failures_page": 60, "ielts.search_page": 60,
                   "ielts.failure_group_page": 60, "ielts.job_page": 15}
ONE_TIME_ARGS = ("done", "requeued", "deleted", "stopped", "cancelled", "refused")  # what a click said: not shown again
# Asks before a form posts (data-confirm on the form): the pages carry no inline script (the CSP forbids it).
CONFIRM_SCRIPT = """document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
"""
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
OPEN_PATHS = ("/healthz",)
DESTRUCTIVE_ENDPOINTS = {f"rq_dashboard.{name}" for name in
                         ("delete_job_view", "requeue_job_view", "requeue_all", "empty_queue", "compact_queue")}  # the load balancer's probe needs no credentials
pages = Blueprint("ielts", __name__, template_folder=str(templates_dir() / "dashboard"))


def create_app() -> Flask:
    """The WSGI app (gunicorn: ``ielts_rq.ops.dashboard:create_app()``)."""
    impatient()  # a page, and the load balancer's /healthz, answers within seconds when Redis does not
    app = Flask(__name__)
    # One rq-dashboard instance per server that holds queues (its instance menu switches between them).
    app.config.update(RQ_DASHBOARD_REDIS_URL=queue_server_urls(), RQ_DASHBOARD_POLL_INTERVAL=2500,
                      RQ_DASHBOARD_REDIS_SENTINEL_PASSWORD=get_settings().redis_sentinel_password.reveal() or None)
    _json_only(rq_dashboard.web)
    rq_dashboard.web.setup_rq_connection(app)
    app.register_blueprint(rq_dashboard.blueprint, url_prefix=RQ_PREFIX)
    app.register_blueprint(pages)
    app.context_processor(_refresh)
    app.context_processor(_control_state)
    app.register_error_handler(NoSuchJobError, _job_gone)
    app.before_request(_check_host)
    app.before_request(_authenticate)
    app.before_request(_guard_destructive_actions)
    app.after_request(_escape_job_data)
    app.after_request(_security_headers)
    return app


def trusted_hosts(settings) -> list[str] | None:
    """The Host names the dashboard answers (others get 400 on every route); None for any.

    Without credentials the dashboard is this machine's only: local names plus
    DASHBOARD_ALLOWED_HOSTS. With credentials a browser never sends them to a
    rebound name, so any host is accepted unless the list narrows it.
    """
    configured = list(settings.dashboard_allowed_hosts)
    if "*" in configured or (settings.dashboard_username and not configured):
        return None
    return [*LOCAL_HOSTS, *configured]


def _refresh() -> dict:
    """The page's reload: every so many seconds, to itself without the message a click left."""
    seconds = REFRESH_SECONDS.get(request.endpoint)
    if not seconds or (request.endpoint == "ielts.search_page" and not request.args.get("q")):
        return {"refresh": None}
    kept = {name: value for name, value in request.args.items() if name not in ONE_TIME_ARGS}
    return {"refresh": {"seconds": seconds, "url": url_for(request.endpoint, **(request.view_args or {}), **kept)}}


def _job_gone(error):
    # rq-dashboard answers 500 for a job that expired or was deleted while its page was open.
    return Response("That job no longer exists: it finished and expired, or was deleted.\n", 404,
                    {"Content-Type": "text/plain; charset=utf-8"})


def _check_host():
    # Flask's TRUSTED_HOSTS cannot match an IPv6 name ([::1]), so the Host header is checked here.
    allowed = trusted_hosts(get_settings())
    if allowed is None:
        return None
    host = (request.headers.get("Host") or "").lower()
    if host.startswith("["):
        name = host[1:host.find("]")]
    else:
        name = host.partition(":")[0]
    if not any(name == ref or (ref.startswith(".") and name.endswith(ref)) for ref in allowed):
        abort(400, "This dashboard does not answer to that host name (DASHBOARD_ALLOWED_HOSTS).")
    return None


def _json_only(dashboard) -> None:
    """Make rq-dashboard read every job as JSON, never with pickle.

    Its serializer setting reaches only some of its routes: the job page,
    delete, requeue and the workers list use RQ's default (pickle), so a
    crafted job in Redis could run code on the dashboard's host. It has no
    other option for these, so the names it uses are replaced here.
    """
    class JsonWorkers(Worker):
        @classmethod
        def all(cls, *args, **kwargs):
            return Worker.all(*args, **{**kwargs, "serializer": JSONSerializer})

    dashboard.config.serializer = JSONSerializer
    dashboard.Job = JsonJob
    dashboard.Worker = JsonWorkers
    dashboard.requeue_job = functools.partial(requeue_job, serializer=JSONSerializer)
    dashboard.from_url = lambda url, **options: (None, client_for(url))  # our timeouts and retries


def _authenticate():
    settings = get_settings()
    if request.path in OPEN_PATHS or not settings.dashboard_username:
        return None
    auth = request.authorization
    good = (auth is not None and auth.type == "basic"
            and hmac.compare_digest((auth.username or "").encode(), settings.dashboard_username.encode())
            and hmac.compare_digest((auth.password or "").encode(), settings.dashboard_password.reveal().encode()))
    if not good:
        return Response("Authentication required.\n", 401, {"WWW-Authenticate": 'Basic realm="ielts-rq"'})
    return None


def _guard_destructive_actions():
    """Requeue, delete and empty only by a POST from the dashboard's own pages."""
    if not request.path.startswith(RQ_PREFIX):
        return None
    # By the route matched, not the path's text: a job whose id starts with "delete" is only a page.
    destructive = request.endpoint in DESTRUCTIVE_ENDPOINTS
    if destructive and request.method != "POST":
        abort(405)
    if request.method == "POST" and request.headers.get("X-Requested-With") != "XMLHttpRequest":
        abort(403)  # a cross-site form cannot set this header; the dashboard's own AJAX calls do
    if request.endpoint == "rq_dashboard.compact_queue":
        queue_name = request.view_args.get("queue_name", "")
        if not get_connection().exists(Queue.redis_queue_namespace_prefix + queue_name):
            return {"status": "OK"}  # nothing to compact; RQ would fail renaming a key that does not exist
    return None


def _escape_job_data(response: Response) -> Response:
    """rq-dashboard's job and workers pages insert these strings as HTML: escape them first.

    A worker's current job is shown by its description, never its call with
    all its arguments (an essay, an address).
    """
    if not (request.path.startswith(RQ_PREFIX) and response.is_json):
        return response
    if "/data/job/" in request.path:
        response.set_data(json.dumps(_escaped(response.get_json())))
    elif request.path.endswith("/data/queues.json"):  # queue names are inserted as HTML too
        data = response.get_json()
        for queue in data.get("queues", []):
            queue["name"] = html.escape(str(queue.get("name", "")))
        response.set_data(json.dumps(data))
    elif "/data/jobs/" in request.path:  # ids and dates are inserted raw; texts are escaped by the page
        data = response.get_json()
        for job in data.get("jobs", []):
            job.update({field: html.escape(str(job[field])) for field in ("id", "created_at", "ended_at")
                        if job.get(field) is not None})
        response.set_data(json.dumps(data))
    elif request.path.endswith("/data/workers.json"):
        data = response.get_json()
        for worker in data.get("workers", []):
            if isinstance(worker.get("current_job"), dict):
                worker["current_job"]["call_string"] = worker["current_job"].get("description")
        response.set_data(json.dumps(_escaped(data)))
    return response


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _security_headers(response: Response) -> Response:
    nonce = None
    if response.mimetype == "text/html" and request.path.startswith(RQ_PREFIX):
        nonce = secrets.token_urlsafe(16)
        # rq-dashboard's one inline script per page gets a nonce; nothing injected into a page can.
        page = response.get_data().replace(b'<script type="text/javascript">',
                                           f'<script type="text/javascript" nonce="{nonce}">'.encode())
        # A way back to this system's own pages from rq-dashboard's.
        back = f'<a class="navbar-brand" href="{url_for("ielts.overview")}">&larr; ielts-rq overview</a>'.encode()
        response.set_data(page.replace(b'<a class="navbar-brand">RQ-dashboard</a>', back, 1))
    script_src = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    # 'unsafe-eval' only for rq-dashboard's underscore templates, which compile with new Function().
    if request.path.startswith(RQ_PREFIX):
        script_src += " 'unsafe-eval'"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src {script_src}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # Not "no-referrer": with it Chromium posts "Origin: null", and the same-origin check cannot tell this page.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


@pages.route("/")
def home():
    return redirect(url_for("ielts.overview"))


@pages.route("/overview")
def overview():
    connection = get_connection()
    span = request.args.get("span", "hour")
    if span not in timeseries.SPANS:
        abort(400, f"span must be one of {', '.join(timeseries.SPANS)}")
    return render_template("overview.html", queues=queue_counts(connection), waiting=waiting(connection),
                           labels=LABELS, format_wait=format_wait,
                           thresholds=get_settings().queue_depth_thresholds, health=monitor.latest_health(connection),
                           alerts=monitor.recent_alerts(connection, 10), span=span, spans=list(timeseries.SPANS),
                           charts=_charts(connection, span))


def _charts(connection, span: str) -> list:
    jobs, depth = timeseries.job_series(connection, span), timeseries.depth_series(connection, span)
    per = "minute" if timeseries.SPANS[span][0] == "minute" else "hour"
    window = (jobs["times"][0], jobs["times"][-1])
    return [
        svgchart.line_chart(f"Jobs finished per {per}", jobs["times"], jobs["finished"], "jobs", span, window),
        svgchart.line_chart(f"Jobs failed or stopped per {per}", jobs["times"], jobs["failed"], "jobs", span, window),
        svgchart.line_chart("Jobs waiting in each queue (queued, rate-limited, retrying)", depth["times"],
                            depth["queued"], "jobs", span, window),
        svgchart.line_chart("Oldest waiting job's wait, since first due", depth["times"], depth["oldest_wait"],
                            "seconds", span, window),
        svgchart.line_chart("First due to start, mean", jobs["times"], jobs["wait"], "seconds", span, window),
    ]


@pages.route("/schedule")
def schedule_page():
    connection = get_connection()
    rows = schedule.entries(connection)
    for row in rows:
        row["history"] = _runs_with_outcomes(connection, schedule.entry_named(row["name"]))
    return render_template("schedule.html", entries=rows, done=request.args.get("done"))


def _runs_with_outcomes(connection, entry) -> list[dict]:
    """An entry's last runs, each with its job's outcome and duration where known.

    A Run now has a job of its own. A tick reuses the entry's job id: the newest
    tick is read from that job, an older one from the record of the tick after it.
    """
    runs = schedule.last_runs(connection, entry.name, schedule.RUNS_KEPT)
    recorded = {run["previous"]["tick"]: run["previous"] for run in runs if isinstance(run.get("previous"), dict)}
    own_ids = [run["job_id"] for run in runs if run.get("job_id")]
    jobs = dict(zip(own_ids, locate_jobs(own_ids, connection))) if own_ids else {}
    current = locate_jobs([entry.job_id], connection)[0]
    current_run = schedule.current_run(current) if current is not None else None
    for run in runs:
        if run.get("skipped"):
            run.update(outcome="skipped", seconds=None)
        elif run.get("job_id"):
            job = jobs.get(run["job_id"])
            run.update(schedule.run_outcome(job) if job is not None else {"outcome": "expired", "seconds": None})
        elif run["tick"] in recorded:
            run.update(outcome=recorded[run["tick"]]["outcome"], seconds=recorded[run["tick"]]["seconds"])
        elif current_run and current_run["tick"] == run["tick"]:
            run.update(outcome=current_run["outcome"], seconds=current_run["seconds"])
        else:
            run.update(outcome="not kept", seconds=None)
    return runs


@pages.route("/schedule/<name>/<action>", methods=["POST"])
def schedule_action(name: str, action: str):
    """Run an entry now, or pause or resume it; from the Schedule page only."""
    _same_origin_only()
    connection = get_connection()
    entry = schedule.entry_named(name) if name in {e.name for e in schedule.CRON_TABLE} else abort(404)
    if action == "run":
        job_id, enqueued = schedule.run_now(connection, entry.name)
        done = (f"{name}: enqueued job {job_id}" if enqueued else
                f"{name}: already enqueued moments ago (job {job_id or 'being enqueued'}); not run twice")
    elif action in ("pause", "resume"):
        getattr(schedule, action)(connection, name)
        done = f"{name}: {action}d"
    else:
        abort(404)
    return redirect(url_for("ielts.schedule_page", done=done), code=303)


@pages.route("/health")
def health_page():
    connection = get_connection()
    return render_template("health.html", latest=monitor.latest_health(connection),
                           history=monitor.health_history(connection, 24))


@pages.route("/depth")
def depth_page():
    connection = get_connection()
    return render_template("depth.html", history=monitor.depth_history(connection, 60), labels=LABELS,
                           thresholds=get_settings().queue_depth_thresholds, alerts=monitor.recent_alerts(connection),
                           charts=_waiting_charts(connection))


def _waiting_charts(connection) -> list:
    """The last hour of samples: jobs of all queues per reason they wait for, and each queue's oldest wait."""
    depth = timeseries.depth_series(connection, "hour")
    window = (depth["times"][0], depth["times"][-1]) if depth["times"] else (0.0, 1.0)
    reasons = {LABELS[reason]: values for reason, values in depth["reasons"].items()}
    return [svgchart.line_chart("Jobs waiting, by reason (all queues)", depth["times"], reasons, "jobs", "hour",
                                window),
            svgchart.line_chart("Oldest waiting job's wait, since first due", depth["times"], depth["oldest_wait"],
                                "seconds", "hour", window)]


@pages.route("/batches")
def batches_page():
    return render_template("batches.html", batches=[store.batch_progress(b) for b in store.recent_batches(20)])


@pages.route("/workers")
def workers_page():
    connection = get_connection()
    return render_template("workers.html", workers=inspection.workers(connection), done=request.args.get("done"),
                           queues=queue_counts(connection),
                           job_names=inspection.job_names(connection), redis=inspection.redis_panel(connection))


JOB_ACTIONS = {"stop": "stopped", "cancel": "cancelled", "requeue": "requeued", "delete": "deleted"}


@pages.route("/search")
def search_page():
    query = request.args.get("q", "")[:200]
    done = {past: request.args.get(past) for past in (*JOB_ACTIONS.values(), "refused") if request.args.get(past)}
    return render_template("search.html", query=query, done=done, waiting=registries.WAITING,
                           rows=search.find_jobs(get_connection(), query) if query else None)


@pages.route("/jobs/<path:job_id>")  # an id with a "/" in it names no job: a 404, not a 405
def job_page(job_id):
    """One job: its call, outcome, traceback, timeline, and the actions its state allows."""
    job = jobpage.find(get_connection(), job_id)
    if job is None:
        return render_template("job.html", job=None, job_id=job_id[:200]), 404
    done = {past: request.args.get(past) for past in (*JOB_ACTIONS.values(), "refused") if request.args.get(past)}
    return render_template("job.html", job=jobpage.page(job), job_id=job.id, done=done)


@pages.route("/jobs/<job_id>/<action>", methods=["POST"])
def job_action(job_id, action):
    """Stop a running job, cancel a waiting one, requeue a failed one or delete one; then back to the page the
    click came from (the job's own, or the search)."""
    _same_origin_only()
    if action not in JOB_ACTIONS:
        abort(404)
    connection = get_connection()
    job = locate_jobs([job_id], connection)[0]
    if job is None:
        abort(404)
    try:
        _act_on_job(connection, job, action)
        outcome = JOB_ACTIONS[action]
    except PermanentError:  # it started or ended meanwhile: the page shows its status now
        outcome = "refused"
    if request.form.get("back") == "job" and outcome != "deleted":
        return redirect(url_for("ielts.job_page", job_id=job_id, **{outcome: job_id}), code=303)
    return redirect(url_for("ielts.search_page", q=request.form.get("q") or job_id, **{outcome: job_id}), code=303)


def _act_on_job(connection, job, action: str) -> None:
    status = job.get_status()
    if action not in jobpage.actions(status):
        raise PermanentError(f"job {job.id} is {status}: {action} does not apply")
    if action == "delete":
        if status in ("failed", "stopped"):
            registries.delete_failed(connection, [job.id])
        else:
            job.delete()
        timeline.forget(job.connection, job.id)
        return
    timeline.operator_action(job, action)
    if action == "stop":
        registries.stop_job(job)
    elif action == "cancel":
        registries.cancel_job(job)
    elif not registries.requeue_ids(connection, job.origin, [job.id]):
        raise PermanentError(f"job {job.id} was not requeued: it is no longer failed")


@pages.route("/failures")
def failures_page():
    found = failure_groups.failure_groups(get_connection())
    for group in found.groups:
        group["chart"] = svgchart.spark_bars(f"{group['job']} failures per hour, last {failure_groups.HOURS_DRAWN} "
                                             f"hours: {', '.join(map(str, group['per_hour']))}", group["per_hour"])
    return render_template("failures.html", groups=found.groups, found=found, requeued=request.args.get("requeued"),
                           deleted=request.args.get("deleted"))


@pages.route("/failures/group")
def failure_group_page():
    """Every job of one failure group (``?group=ID``), newest first, a page at a time; each links to its job page."""
    group = request.args.get("group", "")
    if failure_groups.queue_of(group) is None:
        abort(404)
    found = failure_groups.group_page(get_connection(), group, request.args.get("after"))
    return render_template("failure_group.html", group=group, queue=failure_groups.queue_of(group), found=found,
                           first_page=not request.args.get("after"))


FAILURE_GROUP_ACTIONS = {"requeue": failure_groups.requeue_group, "delete": failure_groups.delete_group}


@pages.route("/failures/<action>", methods=["POST"])
def failure_group_action(action: str):
    """Requeue or delete the failed jobs of one group as the page showed them: a failure that arrived after
    the page loaded is not taken (failure_groups.seen_jobs)."""
    _same_origin_only()
    if action not in FAILURE_GROUP_ACTIONS:
        abort(404)
    form = request.form
    group = form.get("group", "")
    if failure_groups.queue_of(group) is None:
        abort(400, "group: not a failure group's id")
    try:
        take, most = int(form.get("take", "")), int(form.get("count", ""))
        until = repr(float(form.get("until", "")))
    except ValueError:
        abort(400, "until, take and count must be numbers, as the failures page sends them")
    connection = get_connection()
    ids = failure_groups.seen_jobs(connection, group, until, take, form.get("last_seen") or None, most)
    done = FAILURE_GROUP_ACTIONS[action](connection, group, ids) if ids else 0
    past = {"requeue": "requeued", "delete": "deleted"}[action]
    return redirect(url_for("ielts.failures_page", **{past: done}), code=303)


def _control_state() -> dict:
    """What operators have set that changes what the workers do: shown on every page."""
    if request.blueprint != "ielts":
        return {}
    return {"control": {"suspended": control.workers_suspended(), "paused": control.paused_queues(),
                        "stopping": control.stopping_workers()}}


QUEUE_ACTIONS = {"pause": control.pause_queues, "resume": control.resume_queues}
WORKER_ACTIONS = {"suspend": (control.suspend_workers, "workers suspended: each finishes its current job, then waits"),
                  "resume": (control.resume_workers, "workers resumed")}


@pages.route("/queues/<queue>/<action>", methods=["POST"])
def queue_action(queue: str, action: str):
    """Pause a queue (its jobs wait, kept; workers go on with their other queues) or resume it."""
    _same_origin_only()
    if queue not in QUEUES or action not in QUEUE_ACTIONS:
        abort(404)
    QUEUE_ACTIONS[action]([queue])
    return redirect(url_for("ielts.workers_page", done=f"queue {queue} {action}d"), code=303)


@pages.route("/workers/all/<action>", methods=["POST"])
def workers_action(action: str):
    """Suspend every worker (each finishes its current job, then takes none) or resume them."""
    _same_origin_only()
    if action not in WORKER_ACTIONS:
        abort(404)
    act, done = WORKER_ACTIONS[action]
    act()
    return redirect(url_for("ielts.workers_page", done=done), code=303)


@pages.route("/workers/stop", methods=["POST"])
def worker_stop():
    """Quiet one worker: it finishes its current job, takes no other and exits."""
    _same_origin_only()
    name = request.form.get("worker", "")
    if not control.stop_worker(name):
        return redirect(url_for("ielts.workers_page", done=f"no worker named {name} is registered"), code=303)
    return redirect(url_for("ielts.workers_page", done=f"worker {name} told to stop after its current job"),
                    code=303)


def _same_origin_only() -> None:
    """A form POST must come from this dashboard's own page (basic-auth credentials go with any site's post: CSRF).

    A browser says where a post comes from: Sec-Fetch-Site (which a page
    cannot set) and Origin. Either may be missing (an older browser, plain HTTP
    to a name not on loopback), and Origin is "null" where privacy settings
    hide it; a post is accepted when what is sent says "this origin" and
    nothing sent says another. Behind a TLS-terminating proxy the origin is
    https only when the proxy is trusted (FORWARDED_ALLOW_IPS).
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    own = request.host_url.rstrip("/")
    if fetch_site is not None and fetch_site != "same-origin":
        abort(403, f"A post from another site ({fetch_site}) is refused.")
    if origin not in (None, "null") and origin != own:
        hint = ""
        if origin.partition("://")[2] == own.partition("://")[2]:
            hint = (" This server sees plain http: behind a TLS-terminating proxy, set FORWARDED_ALLOW_IPS to the "
                    "proxy's address so its X-Forwarded-Proto is believed.")
        abort(403, f"A post from {origin} is refused: this dashboard is {own}.{hint}")
    if fetch_site is None and origin in (None, "null"):
        abort(403, "A post that does not say where it comes from (no Origin, no Sec-Fetch-Site) is refused.")


@pages.route("/favicon.ico")
def favicon():
    return send_from_directory(Path(rq_dashboard.__file__).parent / "static", "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


@pages.route("/confirm.js")
def confirm_script():
    return Response(CONFIRM_SCRIPT, 200, {"Content-Type": "text/javascript; charset=utf-8",
                                          "Cache-Control": "max-age=3600"})


@pages.route("/metrics")
def metrics():
    body, content_type = exposition(get_connection())
    return Response(body, 200, {"Content-Type": content_type})


@pages.route("/healthz")
def healthz():
    try:
        get_connection().ping()
    except Exception as exc:  # the probe's answer is the verdict, whatever went wrong
        return Response(f"redis unreachable: {type(exc).__name__}\n", 503, {"Content-Type": "text/plain"})
    return Response("ok\n", 200, {"Content-Type": "text/plain"})
