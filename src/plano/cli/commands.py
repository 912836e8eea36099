"""The ``plano`` command. Each stage adds its own sub-command from its ``cli`` module."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="plano",
    help="plano: from a director's description of a shot to finished VFX footage.\n\n"
    "Start with `plano parse \"your shot\"` to see how plano reads it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# stage modules that add commands, in the order data flows
STAGE_CLIS = ("plano.spec.cli", "plano.scene.cli", "plano.sim.cli", "plano.render.cli", "plano.generate.cli", "plano.comp.cli",
              "plano.deliver.cli", "plano.cli.shot", "plano.plan.cli", "plano.review.cli", "plano.farm.cli")

for _mod in STAGE_CLIS:
    importlib.import_module(_mod).register(app)


@app.callback()
def _root() -> None:
    """plano: from a director's description of a shot to finished VFX footage."""


def main(argv: list[str] | None = None) -> None:
    """The ``plano`` command: exits 0, 1 (a user error), 2 (usage), 70 (a crash, with a log), 75 (the version
    is in use), 130 (interrupted); ``plano.cli.fail`` says what each means."""
    from plano.cli.fail import run_cli

    sys.exit(run_cli(app, argv))


if __name__ == "__main__":
    main()
