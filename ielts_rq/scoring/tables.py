"""The scorer's data tables: each loaded once per process, on first use, or all at once by ``load_all``.

A worker on the scoring queue loads them all before its first job, so the horses it forks inherit them; a
table first loaded inside a horse would be loaded again by the next one (half a second for the spelling
index, paid by every job with a misspelling).
"""

from __future__ import annotations

import functools

_loaders: list = []


def loaded_once(loader):
    """``functools.cache`` for a function of no arguments that loads a table, remembered for ``load_all``."""
    cached = functools.cache(loader)
    _loaders.append(cached)
    return cached


def load_all() -> None:
    """Every table of the modules imported so far (``warm_up`` imports them all first)."""
    for load in _loaders:
        load()
