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


class EngineMissing(PermanentError):
    """A local engine (the built-in scorer, Tesseract's or PocketSphinx's bindings, the charts) is not
    installed: the core install (``pip install ielts-rq``) leaves them out."""


# The packages of the ``engines`` extra, by the name they are imported under.
ENGINE_MODULES = frozenset({"numpy", "matplotlib", "lemminflect", "marisa_trie", "wordfreq", "PIL", "pytesseract",
                            "pypdfium2", "av", "pocketsphinx", "spacy", "en_core_web_sm"})
ENGINES_EXTRA = "pip install 'ielts-rq[engines]'"


class needs_engines:
    """``with needs_engines("the built-in scorer", "set SCORING_SERVICE_URL"):`` turns a missing engine
    package into an ``EngineMissing`` that names the extra to install (and the alternative, if any)."""

    def __init__(self, what: str, otherwise: str | None = None):
        self.what, self.otherwise = what, otherwise

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None and issubclass(kind, ModuleNotFoundError) and \
                (error.name or "").split(".")[0] in ENGINE_MODULES:
            alternative = f", or {self.otherwise}" if self.otherwise else ""
            raise EngineMissing(f"{self.what} needs {error.name}, which this install leaves out: "
                                f"{ENGINES_EXTRA}{alternative}") from None
        return False


class NotFound(PermanentError):
    """A record (submission, user, job, file) does not exist."""
