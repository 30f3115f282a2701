"""Operations: what the admin CLI and the dashboard show and do.

Registries (failed, started and finished jobs, workers), health verdicts,
queue-depth samples and alerts, Prometheus metrics, and the dashboard app.
"""
