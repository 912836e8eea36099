"""The ``plano`` command. Each stage adds its own sub-command from its ``cli`` module."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

from plano.errors import PlanoError

app = typer.Typer(
    name="plano",
    help="plano: from a director's description of a shot to finished VFX footage.\n\n"
    "Start with `plano parse \"your shot\"` to see how plano reads it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)

# stage modules that add commands, in the order data flows
STAGE_CLIS = ("plano.spec.cli", "plano.scene.cli", "plano.sim.cli", "plano.render.cli", "plano.comp.cli", "plano.deliver.cli", "plano.cli.shot")

for _mod in STAGE_CLIS:
    importlib.import_module(_mod).register(app)


@app.callback()
def _root() -> None:
    """plano: from a director's description of a shot to finished VFX footage."""


def main() -> None:
    try:
        app()
    except PlanoError as err:
        err_console.print(f"[bold red]error:[/] {err}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted: what was written is kept; run the same command again to resume")
        sys.exit(130)


if __name__ == "__main__":
    main()
