"""What a forked horse spends scoring one answer: ``python -m bench.horse_cost [JOBS]``.

A scoring worker in fork mode loads the scorer once (``ielts_rq.scoring.warm_up``) and forks a horse
per job; anything the horse has to load itself is loaded again by the next one. This forks JOBS
horses (default 5) per kind of answer from a parent that ran the full warm-up, and from one that
only scored the writing sample (what the warm-up did before it loaded every table), and prints the
CPU seconds per horse.
"""

import os
import resource
import sys


def _cpu_per_horse(task_type: str, answer: str, prompt: str, jobs: int) -> float:
    from ielts_rq.scoring import score

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(jobs):
        pid = os.fork()
        if pid == 0:
            score(task_type, answer, prompt)
            os._exit(0)
        os.waitpid(pid, 0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / jobs


def _answers() -> dict:
    from ielts_rq.scoring import samples

    misspelt = samples.TASK_2_ESSAY.replace("children", "chilldren", 2).replace("language", "langauge", 2)
    talk = " ".join([samples.SPEAKING_ANSWER] * 2)
    return {"essay": ("writing_task_2", samples.TASK_2_ESSAY, samples.TASK_2_PROMPT),
            "essay with misspellings": ("writing_task_2", misspelt, samples.TASK_2_PROMPT),
            "long spoken answer": ("speaking_part_3", talk, samples.SPEAKING_PROMPT)}


def _measure(full_warm_up: bool, jobs: int) -> dict:
    """Run in a child of its own, so the two parents load nothing for each other."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        from ielts_rq import scoring
        from ielts_rq.scoring import samples

        if full_warm_up:
            scoring.warm_up()
        else:
            scoring.score("writing_task_2", samples.TASK_2_ESSAY, samples.TASK_2_PROMPT)
        line = ";".join(f"{name}={_cpu_per_horse(*answer, jobs):.3f}" for name, answer in _answers().items())
        os.write(write, line.encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return {name: float(value) for name, value in (pair.split("=") for pair in pipe.read().split(";"))}


def main(jobs: int = 5) -> None:
    full, sample_only = _measure(True, jobs), _measure(False, jobs)
    print(f"CPU seconds per forked horse ({jobs} horses each)")
    print(f"{'answer':<26}{'full warm-up':>14}{'writing sample only':>22}")
    for name in full:
        print(f"{name:<26}{full[name]:>14.3f}{sample_only[name]:>22.3f}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
