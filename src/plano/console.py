"""Progress and tables on the terminal, shared by every command (rich)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

console = Console(stderr=True)


@contextlib.contextmanager
def progress_bar(description: str) -> Iterator[Callable[[float, str], None]]:
    """``with progress_bar("sim") as progress: progress(0.5, "frame 1060")``: a bar on stderr."""
    with Progress(
        TextColumn("[bold]{task.description:<10}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[message]}"),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=1.0, message="")

        def update(fraction: float, message: str = "") -> None:
            bar.update(task, completed=max(0.0, min(1.0, fraction)), message=message)

        yield update
