"""``plano schema`` (and, from the parser, ``plano parse``)."""

from __future__ import annotations

import json

import typer

from plano.spec.io import json_schema


def schema() -> None:
    """Print the JSON Schema of a shot spec (shot.yaml): every key, its type, range and default."""
    typer.echo(json.dumps(json_schema(), indent=2))


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
