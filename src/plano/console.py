"""Progress and tables on the terminal, shared by every command (rich), and the escaping of what reaches it.

Anything that comes from a user or the disk (a prompt, a path, an error message) is shown through
:func:`esc` (inside markup strings) or :func:`text` (as a rich ``Text``): Rich markup in it is shown as
written, and control characters (a terminal escape ``\\x1b[...``, a carriage return, a bell) are shown as
visible escapes (``\\x1b``) instead of reaching the terminal.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.markup import escape as _escape_markup
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

console = Console(stderr=True)

# C0 controls but tab and newline, DEL, the C1 controls, and the Unicode bidi overrides that reorder a line
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(value: object) -> str:
    """``value`` as a string with every control character written as an escape (``\\x1b``, ``\\r``)."""
    return _CONTROL.sub(_shown, str(value))


def _shown(m: re.Match) -> str:
    o = ord(m.group())
    return "\\r" if o == 13 else f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def esc(value: object) -> str:
    """``value`` made safe to put inside a Rich markup string: control characters and markup escaped."""
    return _escape_markup(visible(value))


def text(value: object, style: str = "") -> Text:
    """``value`` as a Rich ``Text`` (never read as markup), control characters escaped."""
    return Text(visible(value), style=style)


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Callable[[float, str], None]]:
    """``with progress_bar("sim") as progress: progress(0.5, "frame 1060")``: a bar on stderr."""
    with Progress(
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[message]}", markup=False),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=1.0, message="")

        def update(fraction: float, message: str = "") -> None:
            bar.update(task, completed=max(0.0, min(1.0, fraction)), message=visible(message))

        yield update
