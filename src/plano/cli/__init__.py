"""The ``plano`` command (``plano.cli.commands``) and what every stage command shares (``plano.cli.common``).

``app`` and ``main`` load the commands on first use, so that a stage's ``cli`` module can import
``plano.cli.common`` without loading every other stage.
"""


def __getattr__(name: str):
    if name in ("app", "main"):
        from plano.cli import commands

        return getattr(commands, name)
    raise AttributeError(f"module 'plano.cli' has no attribute {name!r}")
