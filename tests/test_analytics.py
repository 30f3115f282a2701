"""Analytics on hand-made results with known answers, and on the real store and workers."""

import json
import struct
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from ielts_rq import enqueue, store
from ielts_rq.errors import PermanentError
from ielts_rq.jobs import analytics as analytics_jobs
from ielts_rq.jobs import scoring as scoring_jobs
from ielts_rq.queueing.keys import key
from ielts_rq.queueing.queues import JsonJob
from ielts_rq.reports import figures

from .conftest import cli, enqueue_past_the_door
from .essays import GOOD_ESSAY, HALF_ESSAY, MISSPELLED_ESSAY, PROMPT
from .inprocess import work_in_process
from .smtp_stub import Collector, free_port

TODAY = date(2026, 11, 30)
CRITERIA = ("task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy")


def _result(day: str, bands: tuple[float, float, float, float], task="writing_task_2") -> dict:
    return {"scored_at": f"{day}T10:00:00+00:00", "task_type": task,
            "overall_band_score": sum(bands) / 4,
            "criteria_scores": [{"criterion": c, "band_score": b} for c, b in zip(CRITERIA, bands)]}


def _submission(day: str, task="writing_task_2") -> dict:
    return {"created_at": f"{day}T09:00:00+00:00", "task_type": task}


def test_user_analytics_known_answers():
    results = [_result("2026-11-20", (5.0, 6.0, 5.0, 6.0)),   # overall 5.5
               _result("2026-11-27", (6.0, 6.0, 5.0, 7.0)),   # overall 6.0
               _result("2026-11-29", (7.0, 6.0, 5.0, 7.0))]   # overall 6.25
    submissions = [_submission("2026-11-20"), _submission("2026-11-27"), _submission("2026-11-28", "speaking_part_2"),
                   _submission("2026-11-29")]
    report = figures.user_analytics("u1", results, submissions, date(2026, 11, 17), TODAY, TODAY)
    assert report["submissions"] == 4 and report["scored"] == 3
    assert report["average_band"] == round((5.5 + 6.0 + 6.25) / 3, 2)
    assert report["criteria_average"]["task_response"] == 6.0
    assert report["weakest_criterion"] == "lexical_resource"
    assert report["most_improved_criterion"] == "task_response"  # +2.0, more than grammar's +1.0
    assert report["trend"]["first"] == 5.5 and report["trend"]["last"] == 6.25 and report["trend"]["change"] == 0.75
    # Least squares over (weeks, band): (0, 5.5), (1, 6.0), (9/7, 6.25)
    xs, ys = [0, 1, 9 / 7], [5.5, 6.0, 6.25]
    mx, my = sum(xs) / 3, sum(ys) / 3
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    assert report["trend"]["slope_per_week"] == pytest.approx(slope, abs=1e-3)
    assert report["task_types"] == {"writing_task_2": 3, "speaking_part_2": 1}
    assert report["days_active"] == 4
    assert report["current_streak"] == 3  # 27, 28, 29 (today, the 30th, has no activity yet)


def test_streak_counts_today_when_active():
    assert figures.streak(["2026-11-28", "2026-11-29", "2026-11-30"], TODAY) == 3
    assert figures.streak(["2026-11-27"], TODAY) == 0


def test_learner_with_no_results_gets_an_honest_empty_report():
    report = figures.user_analytics("u2", [], [], date(2026, 11, 24), TODAY, TODAY)
    assert report["submissions"] == 0 and report["scored"] == 0
    assert report["average_band"] is None
    assert report["criteria_average"] == {}
    assert report["weakest_criterion"] is None and report["most_improved_criterion"] is None
    assert report["trend"] == {"first": None, "last": None, "change": None, "slope_per_week": None,
                               "slope_note": "no scored answers in this range"}


def test_several_essays_in_one_sitting_give_no_slope_but_say_why():
    sitting = [dict(_result("2026-11-29", bands), scored_at=f"2026-11-29T10:0{n}:00+00:00")
               for n, bands in enumerate([(5.0,) * 4, (7.0,) * 4, (4.0,) * 4, (8.0,) * 4])]
    trend = figures.trend(sitting)
    assert trend["slope_per_week"] is None and "not enough history" in trend["slope_note"]
    assert trend["change"] == 3.0  # first and last are still reported


@pytest.mark.parametrize("text, expected", [
    ("7d", (date(2026, 11, 24), TODAY)),
    ("30d", (date(2026, 11, 1), TODAY)),
    ("90d", (date(2026, 9, 2), TODAY)),
    ("2026-01-01..2026-01-31", (date(2026, 1, 1), date(2026, 1, 31))),
])
def test_date_ranges(text, expected):
    assert figures.parse_range(text, TODAY) == expected


@pytest.mark.parametrize("text, error", [
    ("8d", "is not 7d, 30d, 90d"),
    ("2026-02-30..2026-03-01", "day is out of range"),
    ("2026-03-01..2026-02-01", "ends before it starts"),
    ("2020-01-01..2026-01-01", "longer than 366 days"),
    (7, "must be text"),
])
def test_bad_date_ranges(text, error):
    with pytest.raises(PermanentError, match=error):
        figures.parse_range(text, TODAY)


def _scored(user_id, text, task_type="writing_task_2", prompt=PROMPT):
    submission_id = store.create_submission(user_id, task_type, text, prompt)
    scoring_jobs.score_submission(submission_id)
    return store.get_result(submission_id)


@pytest.mark.slow
def test_user_analytics_job_reads_the_store(redis_conn):
    results = [_scored("learner-a", text) for text in (MISSPELLED_ESSAY, HALF_ESSAY, GOOD_ESSAY)]
    report = analytics_jobs.process_user_analytics("learner-a", "7d")
    assert report["scored"] == 3 and report["submissions"] == 3
    assert report["average_band"] == round(sum(r["overall_band_score"] for r in results) / 3, 2)
    assert report["current_streak"] == 1
    stored = store.get_analytics("user", "learner-a", report["range"]["start"], report["range"]["end"])
    assert stored == report


def test_platform_figures_count_each_job_that_ended_whatever_rq_keeps(redis_conn):
    for user in ("p1", "p2"):
        submission_id = store.create_submission(user, "writing_task_2", GOOD_ESSAY, PROMPT)
        enqueue("score_submission", submission_id)
    enqueue_past_the_door("score_submission", "sub_missing")  # fails: no such submission
    store.create_submission("p3", "speaking_part_1", "Well I live in a small town near the sea.")
    work_in_process("scoring")
    # RQ keeps finished jobs a day and failed ones two weeks: rates from its registries drift. Empty
    # the finished registry as a day's expiry would; the report's own counters are unaffected.
    redis_conn.delete("rq:finished:scoring")
    job_id = cli("enqueue", "platform-analytics", "--range", "7d").stdout.strip()
    work_in_process("analytics")
    report = JsonJob.fetch(job_id, connection=redis_conn).return_value()
    today = report["range"]["end"]
    assert report["per_day"][today] == {"active_learners": 3,
                                        "submissions": {"writing_task_2": 2, "speaking_part_1": 1},
                                        "scored": {"writing_task_2": 2}}
    assert report["scored"] == 2 and sum(report["band_distribution"].values()) == 2
    assert report["mean_seconds_to_score"] >= 0
    assert report["queues"]["scoring"]["finished"] == 2
    assert report["queues"]["scoring"]["failed"] == 1
    assert report["queues"]["scoring"]["failure_rate"] == round(1 / 3, 4)
    assert report["queues"]["email"] == {"finished": 0, "failed": 0, "failure_rate": None}


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.slow
def test_weekly_report_charts_are_pngs_of_email_width(redis_conn):
    for text in (HALF_ESSAY, GOOD_ESSAY):
        _scored("learner-w", text)
    today = figures.parse_day(None)
    next_week = date.fromordinal(today.toordinal() + 1).isoformat()
    report = analytics_jobs.generate_weekly_report("user", "learner-w", next_week)
    assert report["this_week"]["scored"] == 2
    from ielts_rq.storage import get_storage

    for name, chart_key in report["charts"].items():
        assert _png_size(get_storage().get(chart_key)) == (640, 360), name
    platform = analytics_jobs.generate_weekly_report("platform", today=next_week)
    assert platform["active_learners"] == 1
    assert set(platform["charts"]) == {"activity", "bands"}


def test_cleanup_old_analytics(redis_conn):
    analytics_jobs.process_user_analytics("learner-c", "7d")
    analytics_jobs.process_platform_analytics("30d")
    [first, _] = redis_conn.zrange(key("analytics", "by_time"), 0, -1)
    redis_conn.zadd(key("analytics", "by_time"), {first: 1_000_000})  # computed long ago
    assert analytics_jobs.cleanup_old_analytics(90) == {"deleted": 1, "days_old": 90}
    assert not redis_conn.exists(first)
    assert redis_conn.zcard(key("analytics", "by_time")) == 1


@pytest.mark.slow
def test_weekly_report_email_arrives_with_its_inline_chart(redis_conn):
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        store.save_user("learner-e", email="eli@example.com", name="Eli")
        for text in (HALF_ESSAY, GOOD_ESSAY):
            _scored("learner-e", text)
        next_week = date.fromordinal(figures.parse_day(None).toordinal() + 1).isoformat()
        enqueue("send_weekly_reports", next_week)
        env = {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port),
               "SMTP_SECURITY": "none", "ADMIN_EMAILS": "ops@example.com", "RATE_LIMITS": "smtp=10000"}
        work_in_process("email", env=env)
    finally:
        controller.stop()
    messages = {m["To"]: m for m in handler.messages()}
    assert set(messages) == {"eli@example.com", "ops@example.com"}
    learner = messages["eli@example.com"]
    html = learner.get_body(("html",))
    assert 'src="cid:bands-writing_task_2"' in html.get_content()
    [image] = [part for part in learner.walk() if part.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<bands-writing_task_2>"
    assert _png_size(image.get_content()) == (640, 360)
    admin = messages["ops@example.com"]
    assert "Platform report" in admin["Subject"]
    assert len([p for p in admin.walk() if p.get_content_type() == "image/png"]) == 2


@pytest.mark.slow
def test_report_command_writes_html(redis_conn, tmp_path):
    from .test_scorer_samples import TASK1_ANSWER, TASK1_PROMPT

    _scored("learner-r", GOOD_ESSAY)
    _scored("learner-r", TASK1_ANSWER, "writing_task_1", TASK1_PROMPT)
    out = tmp_path / "report.html"
    result = cli("report", "user", "learner-r", "--range", "30d", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert page.count("data:image/png;base64,") == 3 and "learner-r" in page  # answers per day, one per task
    assert "<h2>Writing Task 1: bands per criterion</h2>" in page and "<h2>Answers per day</h2>" in page
    assert "<h2>Writing Task 2: bands per criterion</h2>" in page
    assert "Task Response" in page and "task_response" not in page and '"range"' not in page  # labels, no JSON
    numbers = json.loads(cli("report", "platform", "--json").stdout)
    assert numbers["scored"] == 2
    readable = cli("report", "user", "learner-r", "--range", "30d").stdout
    assert "Learner learner-r:" in readable and "average band" in readable and "Task Response" in readable
    assert not readable.lstrip().startswith("{")
    assert cli("report", "user", "learner-r", "--range", "forever").returncode == 2
