"""The docs site's reference pages, generated from the code at every build so they cannot drift.

An MkDocs hook (``mkdocs.yml``: ``hooks``): each build adds four pages under ``reference/``:

- ``configuration.md`` from ``ielts_rq/settings.py`` (every variable it reads, its kind and default)
  and the meaning of each from ``.env.example`` (which ``tests/test_configuration.py`` keeps in step);
- ``cli.md`` from the Click command tree, every command's ``--help`` as the terminal shows it;
- ``jobs.md`` from ``ielts_rq/policies.py``: queues, jobs, retries, rate limits, retention;
- ``result.md`` from ``docs/reference/result.schema.json``, the schema the tests validate results against;

and ``changelog.md``, the top-level CHANGELOG.md.

``python scripts/docs_reference.py OUT_DIR`` writes the same pages to a folder, to read them without a build.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "docs" / "reference" / "result.schema.json"

# What each of settings.py's readers accepts, in a reader's words.
READER_KINDS = {
    "text": "text", "secret": "text, secret (masked everywhere)", "path": "a folder",
    "existing_file": "an existing file", "choice": "one of the values named", "positive_float": "a positive number",
    "port": "a TCP port", "http_url": "an http(s) URL", "redis_url": "a Redis URL", "email": "an email address",
    "email_list": "comma-separated email addresses", "names": "comma-separated dotted Python names",
    "display_name": "one line of text", "host_names": "comma-separated host names",
    "per_queue": "`queue=number,...`", "per_key": "`provider=number[/window],...`", "raw": "text",
}


def pages() -> dict[str, str]:
    """Each generated page's path under the docs folder, and its Markdown."""
    return {"reference/configuration.md": configuration_page(), "reference/cli.md": cli_page(),
            "reference/jobs.md": jobs_page(), "reference/result.md": result_page(),
            "changelog.md": changelog_page()}


def changelog_page() -> str:
    """CHANGELOG.md as a page, its links made relative to the docs folder."""
    return (ROOT / "CHANGELOG.md").read_text().replace("](docs/", "](")


# --- configuration -----------------------------------------------------------------------------------------

def _settings_reads() -> list[tuple[str, str, str | None]]:
    """(variable, reader, Settings field) for every ``read.<reader>("VARIABLE", ...)`` in settings.py, in order."""
    from ielts_rq import settings

    tree = ast.parse(Path(settings.__file__).read_text())
    calls = sorted((node for node in ast.walk(tree) if _is_read(node)), key=lambda node: node.lineno)
    fields = dict(READ_IN_HELPERS)  # variable -> (reader, field) where load_settings assigns it directly
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            inside = sorted((call for call in ast.walk(node.value) if _is_read(call)), key=lambda c: c.col_offset)
            if inside:  # the first read in `field=...` is the variable the field holds (APP_URL, not its fallback)
                fields[inside[0].args[0].value] = (inside[0].func.attr, node.arg)
    reads, seen = [], set()
    for node in calls:
        variable = node.args[0].value
        if variable not in seen:
            seen.add(variable)
            reader, field = fields.get(variable, (node.func.attr, None))
            reads.append((variable, reader, field))
    return reads


# Variables read by a helper of load_settings rather than in its call of Settings(...).
READ_IN_HELPERS = {"RATE_LIMITS": ("per_key", "rate_limits"), "EMAIL_BACKEND": ("choice", "email_backend"),
                   "REDIS_URL": ("redis_url", "redis_url")}


def _is_read(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "read"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and node.args[0].value.isupper())


def _env_example_meanings() -> dict[str, str]:
    """Each variable of .env.example and the comment above its group of lines."""
    meanings, comment, after_assignment = {}, [], False
    for line in (ROOT / ".env.example").read_text().splitlines():
        text = line.strip()
        name = text.lstrip("# ").split("=", 1)[0]
        if "=" in text and name.isupper() and " " not in name:
            meanings[name] = " ".join(comment)
            after_assignment = True
        elif text.startswith("# ---") or not text:
            comment, after_assignment = [], False
        elif text.startswith("#"):
            if after_assignment:
                comment, after_assignment = [], False
            comment.append(text.lstrip("# "))
    return meanings


def _default(value) -> str:
    if value in (None, "", (), {}):
        return ""
    if isinstance(value, dict):
        return "`" + ",".join(f"{key}={number}" for key, number in value.items()) + "`"
    if isinstance(value, tuple):
        return "`" + ",".join(value) + "`"
    return f"`{value}`"


def configuration_page() -> str:
    from ielts_rq.settings import QUEUE_REDIS_URL_PREFIX, REDIS_URL_NAMES, load_settings

    defaults = load_settings({"IELTS_RQ_HOME": "/unused"})
    meanings = _env_example_meanings()
    rows = []
    reads = _settings_reads()
    if "REDIS_URL" not in {variable for variable, _, _ in reads}:  # read by name from REDIS_URL_NAMES
        reads.insert(1, ("REDIS_URL", "redis_url", "redis_url"))
    for variable, reader, field in reads:
        if variable == "IELTS_RQ_HOME":
            default = "the user's state folder (`~/.local/state/ielts-rq` on Linux)"
        elif variable in ("SMTP_PASSWORD", "SENDGRID_API_KEY", "AWS_SECRET_ACCESS_KEY", "DASHBOARD_PASSWORD",
                          "REDIS_SENTINEL_PASSWORD"):
            default = ""
        else:
            default = _default(getattr(defaults, field, None)) if field else ""
        rows.append(f"| `{variable}` | {READER_KINDS.get(reader, reader)} | {default} | "
                    f"{_cell(meanings.get(variable, ''))} |")
    old_names = ", ".join(f"`{name}`" for name in REDIS_URL_NAMES[1:])
    return "\n".join([
        "# Configuration reference",
        "",
        "Generated from `ielts_rq/settings.py` at every build of these pages (the meanings come from",
        "`.env.example`, which a test keeps in step with the settings). Every variable is optional: unset, each",
        "service uses its embedded default. A value that cannot be used stops any command at start with exit",
        "status 2 and one line naming the variable. See [Configuration](../configuration.md) for how they combine.",
        "",
        "| variable | accepts | default | meaning |",
        "|---|---|---|---|",
        *rows,
        f"| `{QUEUE_REDIS_URL_PREFIX}<QUEUE>` | a Redis URL | | One queue on a Redis server of its own "
        "(`REDIS_URL_SCORING`, ...); the records stay on `REDIS_URL`'s. |",
        "",
        f"Without `REDIS_URL`, the first of {old_names} that is set is used as the Redis URL, with a warning to",
        "rename it.",
        "",
    ])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# --- command line ------------------------------------------------------------------------------------------

def cli_page() -> str:
    from ielts_rq.cli import main

    lines = ["# Command-line reference", "",
             "Generated from the Click command tree at every build: each command's `--help`, as the terminal",
             "shows it. Exit status: 0 success; 1 the work failed, or what the command names does not exist, or",
             "a result is not there yet; 2 bad usage or configuration.", ""]
    root = click.Context(main, info_name="ielts-rq", terminal_width=100, max_content_width=100)
    for path, context in _walk(root):
        lines += [f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`", "", "```text",
                  context.command.get_help(context).rstrip(), "```", ""]
    return "\n".join(lines)


def _walk(context: click.Context):
    yield [context.info_name] if context.parent is None else _path(context), context
    command = context.command
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None and not sub.hidden:
                yield from _walk(click.Context(sub, info_name=name, parent=context, terminal_width=100,
                                               max_content_width=100))


def _path(context: click.Context) -> list[str]:
    names = []
    while context is not None:
        names.insert(0, context.info_name)
        context = context.parent
    return names


# --- jobs and policies ----------------------------------------------------------------------------------

def _seconds(value: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if value >= size and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value} s"


def _summary(dotted: str) -> str:
    import importlib

    module, _, name = dotted.rpartition(".")
    doc = getattr(importlib.import_module(module), name).__doc__ or ""
    return _cell(doc.strip().split("\n\n")[0].replace("\n", " "))


def _door_check(dotted: str | None) -> str:
    return f"`{dotted.rpartition('.')[2]}`" if dotted else ""


def jobs_page() -> str:
    from ielts_rq import policies

    queue_rows = [f"| `{name}` | {s.depth_alert:,} | {_seconds(s.wait_alert)} | {s.memory_limit:,} MB | "
                  f"{f'`{s.preload}`' if s.preload else ''} |" for name, s in policies.QUEUE_SETTINGS.items()]
    job_rows = [f"| `{name}` | `{p.queue}` | {_seconds(p.timeout)} | {_seconds(p.result_ttl)} | "
                f"{_seconds(p.failure_ttl)} | {', '.join(_seconds(r) for r in p.retry_intervals) or 'none'} | "
                f"{'yes' if p.unique else ''} | {p.calls or ''} | {_door_check(p.door_check)} | {_summary(p.func)} |"
                for name, p in policies.POLICIES.items()]
    provider_rows = [f"| `{name}` | {limit} |" for name, limit in policies.PROVIDER_RATE_LIMITS.items()]
    retention_rows = [f"| {kind.replace('_', ' ')} | {r.where} | {_seconds(r.seconds)} from {r.counted_from} | "
                      f"{r.removed_by} |" for kind, r in policies.RETENTION.items()]
    return "\n".join([
        "# Jobs and policies", "",
        "Generated from `ielts_rq/policies.py`, the one table workers, `enqueue()`, the scheduler, the alerts",
        "and the CLI read.", "",
        "## Queues", "",
        "In priority order: a worker on several queues takes from the first non-empty one.", "",
        "| queue | depth alert (jobs) | wait alert | memory per job | loaded once per worker |",
        "|---|---|---|---|---|", *queue_rows, "",
        "`QUEUE_DEPTH_THRESHOLDS`, `QUEUE_WAIT_THRESHOLDS` and `MEMORY_LIMITS` override the first three.", "",
        "## Jobs", "",
        "Each job is `ielts_rq.jobs.<module>.<name>`; `enqueue(\"name\", ...)` applies its policy. Retries",
        "follow only transient failures (connection refused, timeouts, HTTP 429 and 5xx, a shutdown).",
        "`enqueue()` and `ielts-rq enqueue` run the job's door check, in the job's module, before anything is",
        "queued: a call the job would refuse is refused there, with the job's message.", "",
        "| job | queue | timeout | result kept | failure kept | retries after | one pending per id | calls | "
        "door check | what it does |",
        "|---|---|---|---|---|---|---|---|---|---|", *job_rows, "",
        "## Rate limits of outside providers", "",
        "Jobs per minute across all workers, only when the provider is configured (`RATE_LIMITS` overrides):", "",
        "| provider | per minute |", "|---|---|", *provider_rows, "",
        "## How long records are kept", "",
        "Every record that holds a learner's data (`RETENTION`); `ielts-rq learner erase` removes them sooner.", "",
        "| record | where | kept | removed by |", "|---|---|---|---|", *retention_rows, "",
    ])


# --- result schema --------------------------------------------------------------------------------------

def result_page() -> str:
    schema = json.loads(SCHEMA.read_text())
    required = set(schema["required"])

    def rows(properties, required_names, prefix=""):
        out = []
        for name, spec in properties.items():
            kind = spec.get("type") or ("band, 0-9 in halves" if "$ref" in spec else "one of " + ", ".join(
                f"`{value}`" for value in spec.get("enum", [])))
            kind = " or ".join(kind) if isinstance(kind, list) else kind
            out.append(f"| `{prefix}{name}` | {kind} | {'yes' if name in required_names else ''} | "
                       f"{_cell(spec.get('description', ''))} |")
            if spec.get("type") == "array" and "properties" in spec.get("items", {}):
                items = spec["items"]
                out += rows(items["properties"], set(items.get("required", [])), f"{prefix}{name}[].")
        return out

    return "\n".join([
        "# Result schema", "",
        _cell(schema["description"]), "",
        "Generated from [`result.schema.json`](result.schema.json) (JSON Schema 2020-12), which the test suite",
        "validates real results against.", "",
        "| field | type | always | meaning |", "|---|---|---|---|",
        *rows(schema["properties"], required), "",
    ])


# --- the MkDocs hook ------------------------------------------------------------------------------------

def on_files(files, config):
    """Add the generated pages to the build (nothing is written into the docs folder)."""
    from mkdocs.structure.files import File

    for path, content in pages().items():
        files.append(File.generated(config, path, content=content))
    return files


if __name__ == "__main__":
    if len(sys.argv) > 2 or sys.argv[1:2] and sys.argv[1].startswith("-"):
        sys.exit("usage: python scripts/docs_reference.py [OUTPUT_FOLDER]  (default: site-reference)")
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "site-reference")
    for path, content in pages().items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(content)
        print(out / path)
