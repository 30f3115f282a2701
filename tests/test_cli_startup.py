"""`ielts-rq --help` and the commands that score nothing start without the engines: a command imports what it
needs when it runs, so the help listing and `status` cost about what plain `rq` costs."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT, cli

# What only some commands need; none of it may load for the help listing.
HEAVY = ("numpy", "spacy", "matplotlib", "rq_dashboard", "boto3", "jinja2", "ielts_rq.scoring")


def _modules_loaded(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def _heavy(loaded: set[str]) -> list[str]:
    return sorted(name for name in loaded if any(name == h or name.startswith(h + ".") for h in HEAVY))


def test_importing_the_command_line_loads_no_engine():
    assert _heavy(_modules_loaded("import ielts_rq.cli")) == []


def test_the_help_listing_loads_no_engine_and_no_command_module():
    code = ("import sys\nfrom ielts_rq.cli import main\n"
            "try:\n    main(['--help'], prog_name='ielts-rq')\nexcept SystemExit:\n    pass")
    loaded = _modules_loaded(code)
    assert _heavy(loaded) == []
    # Not even RQ or Redis: the listing is a table of names and summaries.
    assert not {"rq", "redis"} & loaded
    assert not [name for name in loaded if name.startswith("ielts_rq.cli.") and name != "ielts_rq.cli.groups"]


def test_importing_the_package_loads_nothing_until_an_attribute_is_used():
    loaded = _modules_loaded("import ielts_rq")
    assert _heavy(loaded) == [] and not {"rq", "redis"} & loaded


def test_the_public_api_is_still_importable_from_the_package():
    code = ("from ielts_rq import (ConfigError, IeltsRqError, JobArgumentsError, NotFound, PermanentError,\n"
            "    ResultTimeout, ScoringFailed, TransientError, enqueue, enqueue_many, listen_for_results, store,\n"
            "    wait_for_result)\nimport ielts_rq\nassert ielts_rq.store.create_submission\n"
            "assert set(ielts_rq.__all__) <= set(dir(ielts_rq))")
    _modules_loaded(code)
    result = subprocess.run([sys.executable, "-c", "import ielts_rq; ielts_rq.no_such_name"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and "has no attribute 'no_such_name'" in result.stderr


def test_status_loads_no_engine(server):
    code = ("import sys\nfrom ielts_rq.cli import main\n"
            "try:\n    main(['status', '--json'], prog_name='ielts-rq')\nexcept SystemExit as stop:\n"
            "    assert not stop.code, stop.code")
    assert _heavy(_modules_loaded(code)) == []


def _modules(entry) -> tuple[str, ...]:
    return (entry,) if isinstance(entry, str) else entry


def test_the_help_listing_shows_every_command_with_its_own_summary():
    import importlib

    from ielts_rq.cli import COMMANDS
    from ielts_rq.cli.groups import summary

    defined = {}
    for module in sorted({module for entry, _ in COMMANDS.values() for module in _modules(entry)}):
        for command in importlib.import_module(f"ielts_rq.cli.{module}").COMMANDS:
            defined[command.name] = (module, summary(command))
    # The table names every command the modules define, where it is defined, with the command's own summary.
    assert {name: (_modules(entry)[0], line) for name, (entry, line) in COMMANDS.items()} == defined
    listing = cli("--help")
    assert listing.returncode == 0, listing.stderr
    text = " ".join(listing.stdout.split())
    for name, (_, line) in defined.items():
        assert f" {name} {line}" in text, name


# Records, while every command module is imported, which module adds each subcommand to which command.
WHO_ADDS = """
import importlib, json, sys
import click
added = []
original = click.Group.add_command
def add_command(group, command, name=None):
    frame = sys._getframe(1)
    while not frame.f_globals.get("__name__", "").startswith("ielts_rq.cli."):
        frame = frame.f_back
    added.append([group.name, frame.f_globals["__name__"].rpartition(".")[2]])
    return original(group, command, name)
click.Group.add_command = add_command
from ielts_rq.cli import COMMANDS
for entry, _ in COMMANDS.values():
    for module in (entry,) if isinstance(entry, str) else entry:
        importlib.import_module("ielts_rq.cli." + module)
print(json.dumps(added))
"""


def test_a_command_loads_every_module_that_adds_a_subcommand_to_it():
    from ielts_rq.cli import COMMANDS

    result = subprocess.run([sys.executable, "-c", WHO_ADDS], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    added = json.loads(result.stdout.strip().splitlines()[-1])
    assert ["enqueue", "scoring"] in added  # `enqueue score` is defined beside the other scoring commands
    for group, module in added:
        # A subcommand of a subcommand (`schedule` has none today) would need the name of its top command.
        assert group in COMMANDS, f"{group} is not a top command: follow it up to one"
        assert module in _modules(COMMANDS[group][0]), f"ielts_rq.cli.{module} adds to `{group}`: list it there"


@pytest.mark.parametrize("args", [["failed", "--help"], ["enqueue", "--help"], ["status", "--help"]])
def test_a_commands_own_help_still_works(args):
    result = cli(*args)
    assert result.returncode == 0 and "Usage: ielts-rq " + args[0] in result.stdout, result.stderr


def test_an_unknown_command_is_a_usage_error():
    result = cli("no-such-command")
    assert result.returncode == 2 and "No such command 'no-such-command'" in result.stderr
