"""Jobs the benchmarks run, importable by every worker."""


def noop() -> None:
    """Nothing: what a job costs beyond its own work."""
