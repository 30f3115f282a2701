"""Jobs used only by tests; workers import them by dotted path like any job."""

from pathlib import Path


def fails_until_file_exists(path: str) -> str:
    """Fails with a clear error until ``path`` exists, then succeeds."""
    if not Path(path).exists():
        raise RuntimeError(f"marker {Path(path).name} is missing")
    return "ran"


def unreachable_until_file_exists(path: str) -> str:
    """A lost connection (worth a retry) until ``path`` exists, then succeeds."""
    if not Path(path).exists():
        Path(path).touch()  # the retry finds it
        raise ConnectionError("the scoring service reset the connection")
    return "ran"


def sleep_then_write(seconds: float, path: str) -> str:
    import time

    time.sleep(seconds)
    Path(path).write_text("done")
    return "slept"


def fails_with(message: str) -> None:
    """Fails with exactly ``message``: for pages that must show hostile text inertly."""
    raise RuntimeError(message)


def blocks_in_native_code() -> str:
    """Minutes inside one C call that never returns to the interpreter, so no Python signal handler runs."""
    import hashlib

    hashlib.pbkdf2_hmac("sha256", b"password", b"salt", 2**31 - 1)
    return "finished"


def allocates(megabytes: int) -> str:
    """Holds ``megabytes`` of memory at once, as a job decoding an oversized input would."""
    block = bytearray(megabytes * 1024 * 1024)
    return f"held {len(block) // (1024 * 1024)} MB"


def writes_marks(path: str, seconds: float) -> str:
    """Appends its process id to ``path`` five times a second for ``seconds``: whether, and where, it still runs."""
    import os
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(path, "a") as marks:
            marks.write(f"{os.getpid()}\n")
        time.sleep(0.2)
    return "marked"


def starts_a_child(pidfile: str, seconds: float) -> str:
    """Starts a `sleep` of its own, writes that child's pid to ``pidfile``, then waits ``seconds`` itself:
    whether the processes a job starts outlive it."""
    import subprocess
    import time

    child = subprocess.Popen(["sleep", "300"])
    Path(pidfile).write_text(str(child.pid))
    time.sleep(seconds)
    return "started"


def starts_a_child_then_blocks_in_native_code(pidfile: str) -> str:
    """Starts a `sleep` of its own, writes its pid to ``pidfile``, then spends minutes in one C call (see above)."""
    import subprocess

    child = subprocess.Popen(["sleep", "300"])
    Path(pidfile).write_text(str(child.pid))
    return blocks_in_native_code()


def works_until_its_soft_limit(path: str) -> str:
    """Works in small steps until its soft time limit, then saves how much time it had left, as a long job
    saves its progress before the worker's hard timeout."""
    import time

    from ielts_rq.queueing.deadline import soft_limit, time_left

    limit = soft_limit()
    steps = 0
    while not limit.reached():
        time.sleep(0.05)
        steps += 1
    Path(path).write_text(f"{steps} {time_left():.3f}")
    return "saved"


def always_unreachable() -> None:
    """A lost connection (worth a retry) every time: a provider that stays down."""
    raise ConnectionError("the provider reset the connection")
