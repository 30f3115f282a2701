"""Files of lines from the command line (``--from-file``), read within bounds.

Only a regular file of at most ``MAX_FILE_BYTES`` is opened, or standard input
(``-``) copied into a temporary file within the same bounds; a device or pipe
(``/dev/zero``, a FIFO) could be endless, and opening a FIFO with no writer
would wait for ever. Lines are read one at a time, none longer than
``MAX_LINE_BYTES``, so the command's memory stays small whatever the file holds;
each bound, when passed, is refused at once with one line that names it.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

import click

from .common import UsageProblem

MB = 1024 * 1024
MAX_FILE_BYTES = 128 * MB  # 100,000 jobs (the most one file may hold) of over a kilobyte each
MAX_LINE_BYTES = 4 * MB  # the longest job a line can hold: a generic email's 500,000-character HTML as JSON


class LinesFile(click.ParamType):
    """A file argument or option read within the bounds: its value iterates over the file's lines."""

    name = "file"

    def convert(self, value, param, ctx):
        return value if isinstance(value, BoundedLines) else BoundedLines(value)


class BoundedLines:
    """The lines of a file, or of standard input (``-``), read within the bounds as often as asked."""

    def __init__(self, name: str):
        self.name = "standard input" if name == "-" else name
        self._source = open_lines(name)

    def numbered(self) -> Iterator[tuple[int, str]]:
        return numbered_lines(self._source, self.name)

    def __iter__(self) -> Iterator[str]:
        return (text for _, text in self.numbered())

    def read(self) -> str:
        return "".join(self)


def open_lines(name: str) -> BinaryIO:
    """The file ``name`` (``-`` for standard input), opened for ``numbered_lines``, or a usage error."""
    if name == "-":
        return _spooled(sys.stdin.buffer)
    try:  # O_NONBLOCK: a FIFO opens at once, to be refused below, instead of waiting for a writer
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UsageProblem(f"{name}: {exc.strerror}") from None
    info = os.fstat(descriptor)  # of what was opened, not of what the name pointed to a moment before
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise UsageProblem(f"{name} is not a regular file (a device or pipe could be endless): "
                           "save it to a file first, or give - to read standard input")
    if info.st_size > MAX_FILE_BYTES:
        os.close(descriptor)
        raise UsageProblem(f"{name} is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES // MB} MB: "
                           "split it into smaller files")
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def numbered_lines(source: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """``(number, text)`` for each line of ``source`` (called ``name``) from its start, one line in memory at
    a time."""
    source.seek(0)
    total, number = 0, 0
    while True:
        raw = source.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        total += len(raw)
        _check_line(raw, number, total)
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageProblem(f"line {number} of {name} is not UTF-8 text (nothing was enqueued)") from None


def _check_line(raw: bytes, number: int, total: int) -> None:
    if len(raw) > MAX_LINE_BYTES:
        raise UsageProblem(f"line {number} is longer than {MAX_LINE_BYTES // MB} MB, the limit for one line "
                           "(nothing was enqueued)")
    if total > MAX_FILE_BYTES:  # a file that grows while it is read, or standard input
        raise UsageProblem(f"the file is over {MAX_FILE_BYTES // MB} MB, the limit: split it into smaller files "
                           "(nothing was enqueued)")


def _spooled(stream: BinaryIO) -> BinaryIO:
    """Standard input copied line by line into a temporary file (it is read twice), within the bounds."""
    copy = tempfile.TemporaryFile()
    total, number = 0, 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        total += len(raw)
        _check_line(raw, number, total)
        copy.write(raw)
    return copy
