"""One way out of the ``plano`` command, with an exit status a script can tell apart:

=====  ==========================================================================================
 0     done
 1     a user error: one message saying what was wrong, the file, and how to fix it (a bad spec, a
       name, a path that cannot be written, a full disk, a shot far above the machine, ...)
 2     the command line itself is wrong (an unknown option, a missing argument)
 70    plano crashed: a bug. The traceback is written to a log file (in the run folder when there is
       one) and its path printed; please report it with that file
 75    the version is in use by another run (its lock): try again later, or use --wait SECONDS
 130   interrupted (Ctrl-C): what was written is kept; run the same command again to resume
=====  ==========================================================================================

Everything printed here goes through :mod:`plano.console`'s escaping: a message holding Rich markup or
terminal control characters (from a path, a prompt, a spec) is shown as written.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from plano.console import visible
from plano.core.lock import FolderBusy, last_root
from plano.errors import PlanoError, fs_error

OK, USER_ERROR, USAGE, CRASH, BUSY, INTERRUPTED = 0, 1, 2, 70, 75, 130
INTERRUPTED_MESSAGE = "interrupted: what was written is kept; run the same command again to resume"


def _click_exception() -> type[Exception]:
    try:
        from typer._click.exceptions import ClickException  # typer >= 0.16 vendors click
    except ImportError:  # pragma: no cover - older typer
        from click.exceptions import ClickException
    return ClickException


def say_error(message: object, console: Console | None = None) -> None:
    console = console or Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(Text("error: ", style="bold red") + Text(visible(message)))


def crash_log(err: BaseException, argv: Sequence[str]) -> Path:
    """Write ``err``'s traceback to ``<run folder>/logs/crash-<time>-<pid>.log`` (or the temporary folder when
    no run folder was opened yet); return its path."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = f"crash-{stamp}-{os.getpid()}.log"
    from plano import __version__

    body = (f"plano {__version__} crashed\ncommand: {' '.join(argv)}\npython: {sys.version.split()[0]}\n"
            f"time: {stamp}\n\n" + "".join(traceback.format_exception(err)))
    root = last_root()
    for folder in ([root / "logs"] if root is not None else []) + [Path(tempfile.gettempdir())]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / (name if folder.name == "logs" else f"plano-{name}")
            path.write_text(body, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(could not write a crash log)")


def run_cli(app, argv: Sequence[str] | None = None) -> int:
    """Run the typer ``app`` on ``argv`` and return the exit status (see the table above)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    err_console = Console(stderr=True, highlight=False, soft_wrap=True)
    import typer

    click_exception = _click_exception()
    try:
        rv = app(args=argv, prog_name="plano", standalone_mode=False)
    except FolderBusy as err:
        say_error(err, err_console)
        return BUSY
    except PlanoError as err:
        say_error(err, err_console)
        return USER_ERROR
    except typer.Abort:
        err_console.print(Text(INTERRUPTED_MESSAGE))
        return INTERRUPTED
    except click_exception as err:
        try:
            from typer import rich_utils

            rich_utils.rich_format_error(err)
        except Exception:  # noqa: BLE001 - fall back to click's plain message
            err.show()
        return err.exit_code
    except KeyboardInterrupt:
        err_console.print(Text(INTERRUPTED_MESSAGE))
        return INTERRUPTED
    except OSError as err:  # a file a command read or wrote outside the atomic writer
        say_error(fs_error(err, err.filename, "use"), err_console)
        return USER_ERROR
    except Exception as err:  # noqa: BLE001 - a bug: a log to report, not a traceback on the screen
        log = crash_log(err, ["plano", *argv])
        say_error(f"plano crashed ({type(err).__name__}: {err}). This is a bug, not something you did; the "
                  f"traceback is in {log}. Please report it with that file.", err_console)
        return CRASH
    if rv == INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
        err_console.print(Text(INTERRUPTED_MESSAGE))
    return rv if isinstance(rv, int) else OK
