"""``plano review``: the local review page for a shots folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from plano.console import console, esc


def review(
    shots_dir: Path = typer.Argument(Path("shots"), help="The shots folder `plano shot` wrote to (SEQ_SHOT/vNNN folders inside)."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="The port to serve on (0 < port < 65536)."),
    host: str = typer.Option("127.0.0.1", "--host", help="The address to serve on: 127.0.0.1 keeps it on this machine."),
    allow_remote: bool = typer.Option(False, "--allow-remote", help="Let --host be an address others on the network reach (they can watch; writing still needs the token)."),
    token: Optional[str] = typer.Option(None, "--token", help="The token that lets a browser write notes and statuses (or PLANO_REVIEW_TOKEN); default: a new one, printed."),
    quality: str = typer.Option("previs", "--quality", "-q", help="Quality of the versions made from notes: previs or final."),
) -> None:
    """Open a review page for a shots folder in your browser: every shot's versions, newest first, with what
    changed, a frame-accurate player (J/K/L, frame and timecode, loop in/out, passes with exposure), A/B of two
    versions, notes drawn on frames, approval, and notes turned into the next version.

    Prints the address to open (with the token that lets that browser write). Stop it with Ctrl-C.
    """
    from plano.errors import PlanoError
    from plano.review.app import asgi, open_state
    from plano.review.security import check_host
    from plano.shot import QUALITIES

    if quality not in QUALITIES:
        raise PlanoError(f"--quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    check_host(host, allow_remote)
    hosts = ("*",) if allow_remote else tuple(dict.fromkeys(("127.0.0.1", "localhost", host)))
    state = open_state(shots_dir, token or os.environ.get("PLANO_REVIEW_TOKEN") or None, quality, hosts)
    try:
        import uvicorn
    except ImportError:
        from plano.errors import MissingEngine

        raise MissingEngine("uvicorn", "the review server needs it", "pip install 'plano[review]'") from None
    import socket

    with socket.socket() as probe:  # a port in use is one message, before uvicorn logs its own
        try:
            probe.bind((host, port))
        except OSError as err:
            raise PlanoError(f"cannot serve on {host}:{port}: {err.strerror or err}; choose another --port") from None
    import threading

    from plano.review import catalog, proxies

    newest = [v for shot in catalog.shots(state.shots_dir) for v in catalog.versions(state.shots_dir, shot)[:3]]
    threading.Thread(target=proxies.warm, args=(newest,), daemon=True, name="plano-review-warm").start()
    console.print(f"[bold]plano review[/] of {esc(state.shots_dir)}")
    console.print(f"  open  http://{host}:{port}/#token={state.token}")
    console.print("  (the token lets that browser write notes; Ctrl-C stops the server)")
    uvicorn.run(asgi(state), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("review")(review)
