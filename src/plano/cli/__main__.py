"""``python -m plano.cli``: the same as the ``plano`` command."""

from plano.cli.commands import main

main()
