"""Benchmarks of ielts-rq against plain RQ: ``python -m bench``."""
