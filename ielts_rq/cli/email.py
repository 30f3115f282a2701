"""Email commands: enqueue messages, preview templates, read the outbox."""

from __future__ import annotations

import base64
import json

import click

from .. import mail
from ..addresses import validate_address
from ..errors import PermanentError
from .common import HelpGroup, UsageProblem, json_option, print_json, read_jsonl, table
from .enqueue import enqueue, enqueue_options, run
from .lines import LinesFile


def _address(ctx, param, value):

    if value is None:
        return None
    try:
        return validate_address(value)
    except PermanentError as exc:
        raise click.BadParameter(str(exc)) from None


@enqueue.command("welcome-email")
@click.option("--email", callback=_address, help="The learner's address.")
@click.option("--name", help="The learner's name.")
@enqueue_options
def enqueue_welcome(email, name, **opts):
    """Welcome a new learner (or many: --from-file with one "EMAIL NAME" per line)."""
    run("send_welcome_email", opts, tuple(value for value in (email, name) if value is not None))


@enqueue.command("scoring-complete-email")
@click.argument("submission_id", required=False)
@enqueue_options
def enqueue_scoring_complete(submission_id, **opts):
    """Tell a learner their submission is scored (or many: --from-file with one id per line)."""
    run("send_scoring_complete", opts, (submission_id,) if submission_id else ())


@enqueue.command("weekly-report-email")
@click.argument("user_id", required=False)
@enqueue_options
def enqueue_weekly_report(user_id, **opts):
    """Send a learner last week's report (or many: --from-file with one learner id per line)."""
    run("send_weekly_report", opts, (user_id,) if user_id else ())


@enqueue.command("generic-email")
@click.option("--to", callback=_address, help="The recipient's address.")
@click.option("--subject", help="The subject line.")
@click.option("--text", help="The plain-text body.")
@click.option("--html-file", type=LinesFile(), help="An HTML body (trusted content only).")
@click.option("--essential", is_flag=True, help="An account or service notice: sent even to learners who opted out.")
@enqueue_options
def enqueue_generic(to, subject, text, html_file, essential, **opts):
    """A one-off message: a subject and a text or HTML body (or many: --from-file with one JSON object per
    line, {"to": ..., "subject": ..., "text": ...} and optionally "html", "user_id", "essential": true).
    """
    if opts["from_file"] is not None:
        if to or subject or text or html_file or essential:
            raise UsageProblem("give --to, --subject, --text, --html-file and --essential, or --from-file, not both")
        return run("send_generic_email", opts)
    if not to or not subject:
        raise UsageProblem("give --to and --subject (or --from-file)")
    if not text and not html_file:
        raise UsageProblem("give --text or --html-file (or both)")
    html = html_file.read() if html_file else None
    run("send_generic_email", opts, (to, subject, text or _text_from_html(html)),
        kwargs={"html": html, "essential": essential} if html or essential else None)


def _text_from_html(html: str) -> str:
    """A plain-text part for an HTML-only message: the HTML without its tags."""
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", " ", html)).strip() or "(see the HTML version of this message)"


@enqueue.command("batch-emails")
@click.argument("source", type=LinesFile(), metavar="FILE.jsonl")
@enqueue_options
def enqueue_batch_emails(source, **opts):
    """Send a batch: one JSON message per line, e.g. {"kind": "welcome", "email": ..., "name": ...}."""
    run("send_batch_emails", opts, (read_jsonl(source, "messages"),))


@click.group(cls=HelpGroup)
def email():
    """Look at the email templates."""


@email.command(help=f"Render template NAME ({', '.join(mail.MESSAGES)}) with realistic sample data, for a "
                    "browser.")
@click.argument("name")
@click.option("--data", help="JSON that overrides the sample data.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write the HTML here.")
@click.option("--text", "show_text", is_flag=True, help="Print the plain-text part instead of HTML.")
def preview(name, data, out, show_text):
    if name not in mail.MESSAGES:
        raise UsageProblem(f"unknown template {name!r}; templates are {', '.join(mail.MESSAGES)}")
    try:
        overrides = json.loads(data) if data else {}
    except ValueError as exc:
        raise UsageProblem(f"--data is not JSON: {exc}") from None
    if not isinstance(overrides, dict):
        raise UsageProblem("--data must be a JSON object")
    from ..reports.samples import sample_charts  # matplotlib: loaded only for a preview

    images = sample_charts(name)
    rendered = mail.render(name, {**mail.sample_context(name), "chart_cids": list(images), **overrides})
    html = rendered.html
    for cid, png in images.items():  # a browser has no message to resolve cid: links in: inline the charts
        html = html.replace(f'src="cid:{cid}"', f'src="data:image/png;base64,{base64.b64encode(png).decode()}"')
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(html)
        click.echo(f"subject: {rendered.subject}\nwrote {out}")
    else:
        click.echo(rendered.text if show_text else html)


@click.group(cls=HelpGroup)
def outbox():
    """Read the emails the outbox backend has written."""


@outbox.command("list")
@json_option
def outbox_list(as_json):
    """Messages in the outbox, newest first."""

    messages = mail.list_outbox()
    if as_json:
        print_json(messages)
        return
    table(f"Outbox ({len(messages)})", ["id", "date", "to", "subject"],
          [[m["id"], m["date"], m["to"], m["subject"]] for m in messages])


@outbox.command("show")
@click.argument("outbox_id")
@click.option("--html", "show_html", is_flag=True, help="Print the HTML part instead of the text part.")
def outbox_show(outbox_id, show_html):
    """One message: its headers and its text (or HTML) part."""

    message = mail.read_outbox(outbox_id)
    for header in ("From", "To", "Subject", "Date"):
        click.echo(f"{header}: {message[header]}")
    click.echo()
    body = message.get_body(preferencelist=("html",) if show_html else ("plain",))
    click.echo(body.get_content() if body else "(no such part)")


COMMANDS = [email, outbox]
