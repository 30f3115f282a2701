"""Command groups: the help listing every group shows, and the top group whose commands load when used.

``ielts-rq --help`` lists every command from a table of names and summaries, and ``ielts-rq status`` imports
the module of ``status`` alone: no command pays for what another needs (the scorer, numpy, Jinja, boto3).
Only Click is imported here.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from importlib import import_module

import click


class HelpGroup(click.Group):
    """A group whose command list shows each command's first sentence whole, wrapped, never cut with '...'."""

    def format_commands(self, ctx, formatter):
        rows = self.summaries(ctx)
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def summaries(self, ctx) -> list[tuple[str, str]]:
        """``(name, summary)`` of each command the listing shows, in the listing's order."""
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        return [(name, summary(command)) for name, command in commands if command is not None and not command.hidden]


def summary(command: click.Command) -> str:
    """A command's first paragraph, whole: click's own summary stops at the first ". ", as in "e.g. "."""
    if command.short_help:
        return command.short_help
    text = (command.help or "").split("\f")[0].strip()
    return " ".join(text.split("\n\n")[0].split())


class LazyCommands(MutableMapping):
    """A group's ``commands``, filled when looked up: ``commands["status"]`` imports the module that defines
    ``status`` (and registers every command in its ``COMMANDS``), the first time only. The names, and each
    command's summary for the listing, come from a table: iterating over the names imports nothing."""

    def __init__(self, package: str, table: dict[str, tuple[str | tuple[str, ...], str]]):
        self._package = package
        # name -> (the modules of package to import for it, one-line summary). The first module defines the
        # command; the others add subcommands to it (`enqueue score` comes with the scoring commands).
        self._table = dict(table)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded and name in self._table:
            self._load(self._table[name][0])
        return self._loaded[name]

    def _load(self, modules: str | tuple[str, ...]) -> None:
        for module in (modules,) if isinstance(modules, str) else modules:
            for command in import_module(f"{self._package}.{module}").COMMANDS:
                self._loaded.setdefault(command.name, command)

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self._loaded and name not in self._table:
            raise KeyError(name)
        self._loaded.pop(name, None)
        self._table.pop(name, None)

    def __iter__(self):
        return iter(dict.fromkeys([*self._table, *self._loaded]))

    def __len__(self) -> int:
        return len(set(self._table) | set(self._loaded))

    def summary(self, name: str) -> str | None:
        """The listing's line for ``name``: the table's until the command is loaded, then the command's own
        (None for a hidden command)."""
        if name in self._loaded:
            command = self._loaded[name]
            return None if command.hidden else summary(command)
        return self._table[name][1]


class LazyGroup(HelpGroup):
    """A group whose commands are imported when one is used (Click's "lazily loading subcommands"), its help
    listing written from the table of names and summaries without importing any of them."""

    def __init__(self, *args, lazy_commands: tuple[str, dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(*lazy_commands)

    def summaries(self, ctx) -> list[tuple[str, str]]:
        rows = [(name, self.commands.summary(name)) for name in self.list_commands(ctx)]
        return [(name, text) for name, text in rows if text is not None]
