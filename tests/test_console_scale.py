"""The console during an incident: 100,000 failed jobs and 10,000 queued behind the real dashboard process.

Seeded as RQ stores jobs (bench/console_scale.py). Time bounds are three times
the targets (1 s a page, 100 ms the health check) so that a busy machine does
not turn them red; the Redis calls a page makes are counted too, as the server
counts them (INFO commandstats), since they are what grows with the backlog.
"""

import html
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.console_scale import seed, timed_get
from ielts_rq import store

from .test_web import _running_dashboard

# Its bounds are time: it runs after the parallel lanes, alone (conftest, the `timing` marker).
pytestmark = pytest.mark.timing

FAILED, QUEUED = 100_000, 10_000
PAGE_BOUND = 3.0  # seconds: three times the 1 s the operator needs
HEALTH_BOUND = 0.3  # seconds: three times the 100 ms a load balancer allows
LEARNER = "learner-incident"


@pytest.fixture(scope="module")
def incident(server):
    from ielts_rq.queueing.connection import get_connection

    connection = get_connection()
    connection.flushdb()
    submissions = tuple(store.create_submission(LEARNER, "writing_task_2", f"Essay {n}.") for n in range(30))
    seed(connection, FAILED, QUEUED, submissions)
    with _running_dashboard() as base:
        yield connection, base, submissions
    connection.flushdb()


def _calls(connection) -> dict[str, int]:
    stats = connection.info("commandstats")
    return {name.removeprefix("cmdstat_"): fields["calls"] for name, fields in stats.items()}


def _page(connection, base: str, path: str) -> tuple[float, str, dict[str, int]]:
    """How long ``path`` takes (best of two), its text, and the Redis commands it sent by name."""
    session = requests.Session()
    before = _calls(connection)
    response = session.get(base + path, timeout=120)
    after = _calls(connection)
    assert response.status_code == 200, response.text[:300]
    seconds = min(timed_get(session, base + path)[0], timed_get(session, base + path)[0])
    return seconds, response.text, {name: after[name] - before.get(name, 0) for name in after}


def test_failures_page_groups_the_newest_and_says_how_many_of_all(incident):
    connection, base, _ = incident
    seconds, text, calls = _page(connection, base, "/failures")
    assert seconds < PAGE_BOUND, f"/failures took {seconds:.2f}s with {FAILED} failed jobs"
    looked_at = int(re.search(r"the newest (\d+) of (\d+) failed jobs", text).group(1))
    assert re.search(rf"the newest \d+ of {FAILED + 90} failed jobs", text)
    assert 1000 <= looked_at < FAILED
    # Never a read per failed job: the records read are the ones looked at, the newest.
    assert calls.get("hmget", 0) + calls.get("hgetall", 0) <= looked_at + 10, calls
    for error_class in ("SendGridUnavailable", "SMTPServerDisconnected", "TimeoutError"):
        assert error_class in text


def test_each_group_shows_when_it_was_seen_and_its_failures_per_hour(incident):
    connection, base, _ = incident
    _, text, _ = _page(connection, base, "/failures")
    rows = re.findall(r"<tr>.*?</tr>", text, re.S)[1:]
    assert len(rows) == 3
    for row in rows:
        assert re.search(r"first \d{4}-\d\d-\d\dT[\d:.]+Z?<br>last \d{4}-\d\d-\d\dT", row), row
        assert '<svg' in row and "failures per hour" in row


def test_a_group_page_answers_quickly_and_pages_through_all_its_jobs(incident):
    connection, base, _ = incident
    _, text, _ = _page(connection, base, "/failures")
    links = [html.unescape(link) for link in re.findall(r'href="(/failures/group\?group=[^"]+)"', text)]
    assert len(links) == 3
    seen: set[str] = set()
    for link in links:
        path = link
        for _ in range(3):  # the first pages of each group, each as quick as the failures page
            seconds, page, _ = _page(connection, base, path)
            assert seconds < PAGE_BOUND, f"{path} took {seconds:.2f}s with {FAILED} failed jobs"
            ids = re.findall(r'href="/jobs/([^"]+)"', page)
            assert len(ids) == 50 and not seen & set(ids)
            seen |= set(ids)
            path = html.unescape(re.search(r'href="([^"]+)">Older</a>', page).group(1))
    # the newest pages hold the newest failures: the learner's, seeded last in each group
    newest = {job_id.decode() for key in ("rq:failed:email", "rq:failed:scoring")
              for job_id in connection.zrevrange(key, 0, 29)}
    assert newest <= seen


def test_search_by_learner_reads_each_job_once_whatever_the_submissions(incident):
    connection, base, submissions = incident
    seconds, text, calls = _page(connection, base, f"/search?q={LEARNER}")
    assert seconds < PAGE_BOUND, f"/search by learner took {seconds:.2f}s"
    # The learner's jobs are the newest failed ones of each kind: every one of them is found.
    learners_jobs = [job_id.decode() for key in ("rq:failed:email", "rq:failed:scoring")
                     for job_id in connection.zrevrange(key, 0, len(submissions) * (2 if "email" in key else 1) - 1)]
    assert len(learners_jobs) == 3 * len(submissions)
    assert all(job_id in text for job_id in learners_jobs)
    jobs_read = calls.get("hgetall", 0) + calls.get("hmget", 0)
    # One error read per job looked at, not one per job per submission (30 here).
    assert calls.get("xrevrange", 0) <= jobs_read + 10, calls


def test_search_by_error_text_and_the_overview_answer_quickly(incident):
    connection, base, _ = incident
    for path in ("/search?q=SendGridUnavailable", "/overview"):
        seconds, _, _ = _page(connection, base, path)
        assert seconds < PAGE_BOUND, f"{path} took {seconds:.2f}s"


def test_health_answers_while_five_heavy_pages_load(incident):
    _, base, _ = incident
    heavy = ["/failures", "/failures", f"/search?q={LEARNER}", "/failures", "/search?q=SendGridUnavailable"]
    with ThreadPoolExecutor(len(heavy)) as pool:
        loads = [pool.submit(timed_get, requests.Session(), base + path) for path in heavy]
        time.sleep(0.2)  # the heavy pages are being read when the probes come
        probes = []
        session = requests.Session()
        while not all(load.done() for load in loads) or len(probes) < 5:
            probes.append(timed_get(session, base + "/healthz"))
        assert all(load.result()[1] == 200 for load in loads)
    worst = max(seconds for seconds, _ in probes)
    assert all(status == 200 for _, status in probes)
    assert worst < HEALTH_BOUND, f"/healthz took {worst * 1000:.0f} ms while five heavy pages loaded"


def test_a_job_page_reads_that_one_job_whatever_the_backlog(incident):
    connection, base, _ = incident
    # The oldest failed copy and the newest real one: each is one job's page among a hundred thousand
    for job_id in (connection.zrange("rq:failed:scoring", 0, 0)[0].decode(),
                   connection.zrevrange("rq:failed:email", 0, 0)[0].decode()):
        seconds, text, calls = _page(connection, base, f"/jobs/{job_id}")
        assert seconds < PAGE_BOUND, f"/jobs/{job_id} took {seconds:.2f}s with {FAILED} failed jobs"
        assert job_id in text and 'id="traceback"' in text and 'id="timeline"' in text
        # A handful of reads, all of them about this job: none grows with the backlog
        sent = {name: count for name, count in calls.items() if count}
        assert sum(sent.values()) <= 25, sent
        assert not set(sent) & {"zrange", "zrevrange", "zrangebyscore", "zcard", "scan", "keys"}, sent
