"""The exceptions every part of ielts-rq raises: one tree, one way to fail.

A job fails in one of two ways. A ``PermanentError`` (bad input, a 4xx
answer) fails the job at once with a message that says what was wrong; a
``TransientError`` (a connection refused, a timeout, a 429 or 5xx answer) is
retried with growing intervals by the job's retry policy.
"""


class IeltsRqError(Exception):
    """Base class of every error raised by ielts-rq."""


class ConfigError(IeltsRqError):
    """An environment variable holds a value that cannot be used."""

    def __init__(self, variable: str, problem: str):
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class PermanentError(IeltsRqError):
    """Bad input or a refusal that will not change on retry: fail the job now."""


class TransientError(IeltsRqError):
    """A failure that may go away on its own: retry the job later."""


class RetryLater(TransientError):
    """A service asked to be called again later (Retry-After): the job is retried no sooner."""

    def __init__(self, message: str, seconds: int):
        super().__init__(message)
        self.seconds = seconds


class NotFound(PermanentError):
    """A record (submission, user, job, file) does not exist."""
