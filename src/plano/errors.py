"""User-facing errors: what was received, what was expected, how to fix it.

The CLI prints a :class:`PlanoError` without a traceback and exits 1.
"""


class PlanoError(Exception):
    """An error a user can fix. The message says what was wrong and how to fix it."""


class MissingEngine(PlanoError):
    """An optional engine (a Python package or a system library) is not installed."""

    def __init__(self, engine: str, why: str, install: str):
        self.engine, self.why, self.install = engine, why, install
        super().__init__(f"engine {engine!r} is not available: {why}. Install it with: {install}")
