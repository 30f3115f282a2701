"""``python -m bench --only shape``: what `make run` ships, measured from outside as a learner sees it.

Starts ``ielts-rq up --demo`` with its defaults (a fresh IELTS_RQ_HOME, a free port) and measures, to
the result's message on the results channel:

- 200 essays submitted at 20 a second (p50, p95, max wait);
- one essay alone, 20 one after the other (p50);
- 2,000 essays queued at once: the drain rate, against the scorer in a plain loop in one process;
- a photographed page and a spoken answer submitted behind 2,000 queued essays: seconds until each starts.

Every essay is distinct text (sentences of graded essays reshuffled, numbered), so the reuse of a
stored result for the same content does not shortcut the scoring. Run on its own to measure another
checkout's `up`: ``PYTHONPATH=/other/checkout python bench/worker_shape.py`` (prints JSON).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

RATE = 20  # essays a second in the steady-load measure
STEADY = 200
ALONE = 20
BACKLOG = 2000
PLAIN_LOOP = 200  # essays the scorer scores in a plain loop, for the drain rate's ceiling


def rows(scale: float):
    """The benchmark table's rows (bench/rows.py): run in a process of its own, on an `up` of its own."""
    from bench.rows import ROOT, Row

    env = {**os.environ, "BENCH_SCALE": str(scale),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("IELTS_RQ_HOME", None)  # `up` gets a fresh home, as `make run` on a new checkout
    env.pop("LOG_LEVEL", None)  # and logs as it does there: a line per job
    done = subprocess.run([sys.executable, str(Path(__file__).resolve())], cwd=ROOT, env=env, check=True,
                          stdout=subprocess.PIPE, text=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return [
        Row(f"{figures['steady_essays']} essays at {RATE}/s: p50 wait", figures["steady_p50"], 0.3, "s",
            higher_is_better=False, note="to the result message; ceiling: the target"),
        Row(f"{figures['steady_essays']} essays at {RATE}/s: p95 wait", figures["steady_p95"], 1.0, "s",
            higher_is_better=False),
        Row(f"{figures['steady_essays']} essays at {RATE}/s: max wait", figures["steady_max"], None, "s"),
        Row("one essay alone: p50 wait", figures["alone_p50"], 0.1, "s", higher_is_better=False),
        Row(f"{figures['backlog']} queued essays: drain", figures["drain_rate"], figures["plain_loop_rate"],
            "essays/s", note="ceiling: the scorer in a plain loop, one process"),
        Row(f"page behind {figures['backlog']} essays: start", figures["page_start"], 5.0, "s",
            higher_is_better=False),
        Row(f"spoken answer behind {figures['backlog']} essays: start", figures["answer_start"], 5.0, "s",
            higher_is_better=False),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _essays(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` distinct (prompt, essay) pairs: graded essays' sentences reshuffled, each numbered."""
    from tests import essays, essays_ladder

    bases = [(essays_ladder.PROMPT, text) for _, text in essays_ladder.LADDER]
    bases += [(essays.PROMPT, essays.GOOD_ESSAY), (essays.PROMPT, essays.MISSPELLED_ESSAY)]
    rng = random.Random(seed)
    made = []
    for number in range(count):
        prompt, text = rng.choice(bases)
        sentences = [s.strip() + "." for s in text.replace("\n", " ").split(".") if len(s.split()) > 2]
        keep = rng.randint(max(3, len(sentences) * 2 // 3), len(sentences))
        picked = sorted(rng.sample(range(len(sentences)), keep))  # in order: still an essay
        made.append((prompt, " ".join(sentences[i] for i in picked) + f" That is my view, number {seed}-{number}."))
    return made


class _Results:
    """When each submission's result message arrived on the results channel."""

    def __init__(self, connection, channel: str):
        self.arrived: dict[str, float] = {}
        self.changed = threading.Condition()
        self._pubsub = connection.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(channel)
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        for message in self._pubsub.listen():
            now = time.monotonic()
            submission_id = json.loads(message["data"])["submission_id"]
            with self.changed:
                self.arrived[submission_id] = now
                self.changed.notify_all()

    def wait(self, submission_ids, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not all(sid in self.arrived for sid in submission_ids):
                if not self.changed.wait(max(0.0, deadline - time.monotonic())) and time.monotonic() > deadline:
                    return False
        return True


def _submit(prompt: str, text: str) -> str:
    from ielts_rq import store
    from ielts_rq.queueing.enqueue import enqueue

    submission_id = store.create_submission("bench-learner", "writing_task_2", text, prompt)
    enqueue("score_submission", submission_id)
    return submission_id


def _steady(results: _Results, essays) -> list[float]:
    waits = {}
    started = time.monotonic()
    for number, (prompt, text) in enumerate(essays):
        sent = time.monotonic()
        waits[_submit(prompt, text)] = sent
        time.sleep(max(0.0, started + (number + 1) / RATE - time.monotonic()))
    assert results.wait(waits, 600), "not every essay was scored"
    return sorted(results.arrived[sid] - sent for sid, sent in waits.items())


def _alone(results: _Results, essays) -> list[float]:
    waits = []
    for prompt, text in essays:
        sent = time.monotonic()
        submission_id = _submit(prompt, text)
        assert results.wait([submission_id], 60)
        waits.append(results.arrived[submission_id] - sent)
    return sorted(waits)


def _queue_at_once(essays) -> tuple[list[str], float]:
    """The essays stored, then their jobs queued in one bulk enqueue: their ids, and when that began."""
    from ielts_rq import store
    from ielts_rq.queueing.enqueue import enqueue_many

    ids = [store.create_submission("bench-learner", "writing_task_2", text, prompt) for prompt, text in essays]
    started = time.monotonic()
    enqueue_many("score_submission", [((sid,), {}) for sid in ids])
    return ids, started


def _drain(results: _Results, essays) -> float:
    ids, started = _queue_at_once(essays)
    assert results.wait(ids, 1800), "the backlog was not drained"
    return len(ids) / (max(results.arrived[sid] for sid in ids) - started)


def _plain_loop_rate(essays) -> float:
    from ielts_rq.scoring import score

    score("writing_task_2", essays[0][1], essays[0][0])  # loaded and warm, as a worker is
    started = time.perf_counter()
    for prompt, text in essays:
        score("writing_task_2", text, prompt)
    return len(essays) / (time.perf_counter() - started)


def _media_uploads(folder: Path) -> tuple[str, str]:
    """A photographed page of an essay and a spoken answer, stored as a learner's uploads are."""
    from ielts_rq.storage import get_storage
    from tests import essays
    from tests import media_fixtures as mf

    page = f"uploads/{uuid.uuid4().hex}.png"
    get_storage().put(page, mf.image_bytes(mf.photo_like(mf.text_page(essays.GOOD_ESSAY))))
    answer = f"uploads/{uuid.uuid4().hex}.mp3"
    spoken = ("I usually read the newspaper in the morning because it helps me understand what is happening "
              "in my country. I also listen to the radio when I drive to work.")
    get_storage().put(answer, mf.encode_audio(mf.flite_wav(spoken, folder, voice="rms"), "mp3"))
    return page, answer


def _media_start(results: _Results, essays, uploads) -> tuple[float, float]:
    """Seconds until a page and a spoken answer start, each submitted behind ``essays`` queued."""
    from ielts_rq.queueing.enqueue import enqueue

    ids, _ = _queue_at_once(essays)
    submitted = time.monotonic()
    jobs = [enqueue("process_image", uploads[0], create_submission={"task_type": "writing_task_2",
                                                                     "user_id": "bench-learner"}),
            enqueue("process_audio", uploads[1], create_submission={"task_type": "speaking_part_1",
                                                                    "user_id": "bench-learner"})]
    started: dict[str, float] = {}
    deadline = submitted + 600
    while len(started) < len(jobs) and time.monotonic() < deadline:
        for job in jobs:
            if job.id not in started and job.get_status(refresh=True) in ("started", "finished", "failed"):
                started[job.id] = time.monotonic() - submitted
        time.sleep(0.05)
    assert results.wait(ids, 1800), "the backlog was not drained"
    return started.get(jobs[0].id, float("inf")), started.get(jobs[1].id, float("inf"))


def _up(home: str, port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ielts_rq.cli", "up", "--demo", "--port", str(port)],
                            env={**os.environ, "IELTS_RQ_HOME": home}, stdout=subprocess.DEVNULL,
                            stderr=open(Path(home) / "up.log", "w"), start_new_session=True)


def _wait_until_up(port: int, up: subprocess.Popen, home: str) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert up.poll() is None, (Path(home) / "up.log").read_text()
        if "demo: " in (Path(home) / "up.log").read_text():  # its sample answers scored: workers warm
            return
        time.sleep(0.5)
    raise TimeoutError(f"`ielts-rq up` on port {port} did not start within 180 s")


def measure(scale: float = 1.0) -> dict:
    home = os.environ["IELTS_RQ_HOME"]
    port = _free_port()
    up = _up(home, port)
    try:
        _wait_until_up(port, up, home)
        from ielts_rq.queueing import keys
        from ielts_rq.queueing.connection import get_connection

        results = _Results(get_connection(), keys.results_channel())
        steady, backlog = max(20, int(STEADY * scale)), max(100, int(BACKLOG * scale))
        uploads = _media_uploads(Path(home))
        figures = {"steady_essays": steady, "backlog": backlog}
        waits = _steady(results, _essays(steady, 1))
        figures.update(steady_p50=statistics.median(waits), steady_p95=waits[int(len(waits) * 0.95) - 1],
                       steady_max=waits[-1])
        figures["alone_p50"] = statistics.median(_alone(results, _essays(ALONE, 2)))
        figures["plain_loop_rate"] = _plain_loop_rate(_essays(PLAIN_LOOP, 3))
        figures["drain_rate"] = _drain(results, _essays(backlog, 4))
        figures["page_start"], figures["answer_start"] = _media_start(results, _essays(backlog, 5), uploads)
        return {name: round(value, 3) if isinstance(value, float) else value for name, value in figures.items()}
    finally:
        up.send_signal(signal.SIGINT)
        try:
            up.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)


def main() -> None:
    os.environ["IELTS_RQ_HOME"] = tempfile.mkdtemp(prefix="irq-shape-", dir="/tmp")
    os.environ.pop("REDIS_URL", None)
    root = str(Path(__file__).resolve().parent.parent)  # tests/ (its essays, media fixtures)
    sys.path.append(root)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), root]))
    print(json.dumps(measure(float(os.environ.get("BENCH_SCALE", "1")))), flush=True)


if __name__ == "__main__":
    main()
