"""Analytics commands: reports a person can open, and the analytics jobs."""

from __future__ import annotations

import base64

import click

from .. import store
from ..errors import NotFound, PermanentError
from ..policies import ANALYTICS_KEPT_DAYS
from ..reports import figures
from ..reports.weekly import chart_title, platform_charts, platform_report, user_charts, user_report
from ..scoring.feedback import CRITERION_NAMES, criterion_name
from .common import HelpGroup, UsageProblem, json_option, print_fields, print_json, table
from .enqueue import enqueue, enqueue_options, positive_int, run

range_option = click.option("--range", "date_range", default="7d", show_default=True,
                            help="7d, 30d, 90d or START..END (ISO dates).")
today_option = click.option("--today", help="Compute as if today were this ISO date.")


@click.group(cls=HelpGroup)
def report():
    """Render a learner's or the platform's analytics (numbers and charts) to HTML."""


@report.command("user")
@click.argument("user_id")
@range_option
@today_option
@click.option("--out", type=click.Path(dir_okay=False), help="Write the HTML report here.")
@json_option
def report_user(user_id, date_range, today, out, as_json):
    """A learner's progress: averages, trend, weakest criterion, streak, charts."""

    store.check_id(user_id, "user")
    day = figures.parse_day(today)
    start, end = figures.parse_range(date_range, day)
    if not store.user_known(user_id):
        raise NotFound(f"no learner {user_id}: no record, submission or result has that id")
    numbers = user_report(user_id, start, end, day)
    if as_json:
        print_json(numbers)
    elif not out:
        _print_report(f"Learner {user_id}", numbers)
    if out:
        _write(out, f"Learner {user_id}", numbers, user_charts(numbers))


@report.command("platform")
@range_option
@today_option
@click.option("--out", type=click.Path(dir_okay=False), help="Write the HTML report here.")
@json_option
def report_platform(date_range, today, out, as_json):
    """Platform totals per day, band distribution, time to score, job failure rates, charts."""

    start, end = figures.parse_range(date_range, figures.parse_day(today))
    numbers = platform_report(start, end)
    if as_json:
        print_json(numbers)
    elif not out:
        _print_report("Platform", numbers)
    if out:
        _write(out, "Platform", numbers, platform_charts(numbers))


def label(name) -> str:
    """A figure's name as a reader says it: criteria by their IELTS names, the rest in words."""
    text = str(name)
    return criterion_name(text) if text in CRITERION_NAMES else text.replace("_", " ")


def report_sections(numbers: dict) -> tuple[dict, list[tuple[str, list[str], list[list]]]]:
    """The report's single figures, and one (title, columns, rows) table per group of figures."""
    single = {label(k): _cell(v) for k, v in numbers.items() if not isinstance(v, (dict, list)) and k != "range"}
    tables = []
    for name, value in numbers.items():
        if name == "range" or not isinstance(value, dict) or not value:
            continue
        inner = list(value.values())
        if all(isinstance(v, dict) for v in inner):  # e.g. per day, per queue: one row each
            columns = list(dict.fromkeys(key for v in inner for key in v))
            rows = [[label(k), *(_cell(v.get(c)) for c in columns)] for k, v in value.items()]
            tables.append((label(name), ["", *map(label, columns)], rows))
        else:
            tables.append((label(name), ["", "value"], [[label(k), _cell(v)] for k, v in value.items()]))
    return single, tables


def _cell(value):
    if isinstance(value, dict):
        return ", ".join(f"{label(k)} {_cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, str) and value in CRITERION_NAMES:  # e.g. the weakest criterion
        return criterion_name(value)
    return value


def _print_report(title: str, numbers: dict) -> None:
    single, tables = report_sections(numbers)
    click.echo(f"{title}: {numbers['range']['start']} to {numbers['range']['end']}")
    print_fields(single)
    for name, columns, rows in tables:
        table(name, columns, rows)


def _write(path: str, title: str, numbers: dict, images: dict[str, bytes]) -> None:
    import jinja2

    template = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(REPORT_PAGE)
    single, tables = report_sections(numbers)
    html = template.render(title=title, numbers=numbers, single=single, tables=tables,
                           images={chart_title(name): base64.b64encode(png).decode() for name, png in images.items()})
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(html)
    click.echo(f"wrote {path}", err=True)


REPORT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} report</title>
<style>body{font-family:sans-serif;max-width:720px;margin:2em auto;color:#222}
table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}</style></head>
<body><h1>{{ title }} report: {{ numbers.range.start }} to {{ numbers.range.end }}</h1>
<table>{% for name, value in single.items() %}
<tr><th>{{ name }}</th><td>{{ value if value is not none else "none" }}</td></tr>{% endfor %}
</table>
{% for name, png in images.items() %}<h2>{{ name }}</h2><img alt="{{ name }}" src="data:image/png;base64,{{ png }}">{% endfor %}
{% for name, columns, rows in tables %}<h2>{{ name | capitalize }}</h2><table>
<tr>{% for column in columns %}<th>{{ column }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell if cell is not none else "-" }}</td>{% endfor %}</tr>{% endfor %}
</table>{% endfor %}</body></html>
"""


def _range_check(args, kwargs):

    if args:
        try:
            figures.parse_range(args[-1], figures.parse_day(None))
        except PermanentError as exc:
            raise UsageProblem(str(exc)) from None


@enqueue.command("user-analytics")
@click.argument("user_id")
@range_option
@enqueue_options
def enqueue_user_analytics(user_id, date_range, **opts):
    """Compute and store a learner's analytics."""
    run("process_user_analytics", opts, (user_id, date_range), validate=_range_check)


@enqueue.command("platform-analytics")
@range_option
@enqueue_options
def enqueue_platform_analytics(date_range, **opts):
    """Compute and store the platform's analytics."""
    run("process_platform_analytics", opts, (date_range,), validate=_range_check)


@enqueue.command("weekly-report")
@click.argument("kind", type=click.Choice(["user", "platform"]))
@click.argument("user_id", required=False)
@enqueue_options
def enqueue_weekly_report(kind, user_id, **opts):
    """Generate last week's report and its charts (KIND user needs USER_ID)."""
    if kind == "user" and not user_id:
        raise UsageProblem("a user report needs USER_ID")
    run("generate_weekly_report", opts, (kind, user_id) if user_id else (kind,))


@enqueue.command("weekly-reports-email")
@enqueue_options
def enqueue_weekly_reports_email(**opts):
    """Email every learner active last week their report, and the platform report to ADMIN_EMAILS."""
    run("send_weekly_reports", opts)


@enqueue.command("cleanup-analytics",
                 help=f"Delete analytics records older than DAYS_OLD days (default {ANALYTICS_KEPT_DAYS}).")
@click.argument("days_old", type=click.IntRange(min=1), required=False)
@enqueue_options
def enqueue_cleanup_analytics(days_old, **opts):
    run("cleanup_old_analytics", opts, (days_old,) if days_old else (), validate=positive_int("days_old"))


COMMANDS = [report]
