"""What keeps the review server safe on a shared machine: the write token, paths kept inside the shots folder,
bounded request sizes, the address it binds to."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from pathlib import Path
from urllib.parse import unquote

from plano.errors import PlanoError

TOKEN_HEADER = "x-plano-token"
MIN_TOKEN_CHARS = 16
MAX_BODY_BYTES = 256 * 1024
"""The largest request body (a note with its drawing is a few kB; 256 kB holds 2,000 strokes points over)."""


class PathRefused(PlanoError):
    """A path that is not a file inside the shots folder (the server answers 403)."""


def new_token() -> str:
    return secrets.token_urlsafe(24)


def check_token_choice(token: str) -> str:
    """A token the user set: long enough not to be guessed."""
    if len(token) < MIN_TOKEN_CHARS or not token.isprintable() or " " in token:
        raise PlanoError(f"the review token must be at least {MIN_TOKEN_CHARS} printable characters without spaces "
                         f"(got {len(token)}); leave --token out and plano makes one")
    return token


def token_ok(given: str | None, expected: str) -> bool:
    """``given`` (a header value, ``Bearer X`` or ``X``) is the token, compared in constant time."""
    if not given:
        return False
    given = given.removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), expected.encode())


def check_host(host: str, allow_remote: bool) -> str:
    """The address to bind: a loopback one unless ``allow_remote`` (then anyone on the network can read)."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        raise PlanoError(f"--host {host!r} is not an IP address; use 127.0.0.1 (this machine only)") from None
    if not loopback and not allow_remote:
        raise PlanoError(f"--host {host} would serve the shots to the network; add --allow-remote if that is "
                         "what you mean (writes still need the token)")
    return host


def inside(root: Path, rel: str) -> Path:
    """The file ``rel`` (``SEQ010_SH010/v001/report.html``) inside the shots folder ``root``, or a PlanoError.

    Refused: ``..`` or ``.`` parts (also percent-encoded, once or twice), hidden names (``.review``, ``.plano``),
    absolute paths, backslashes, NUL, and anything a symlink takes outside ``root``."""
    text = rel
    for _ in range(3):  # a doubly encoded %252e%252e decodes to ".." on the second pass
        text = unquote(text)
    if "\x00" in text or "\\" in text or text.startswith("/"):
        raise PathRefused(f"path {rel!r} is not a path inside the shots folder")
    parts = text.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise PathRefused(f"path {rel!r} has an empty, '.', '..' or hidden part; only files inside the shots "
                         "folder are served")
    root = root.resolve()
    path = root.joinpath(*parts)
    try:
        path.resolve(strict=True).relative_to(root)
    except FileNotFoundError:
        raise FileNotFoundError(rel) from None
    except (ValueError, OSError):
        raise PathRefused(f"path {rel!r} leads outside the shots folder (a link out of it?); not served") from None
    return path


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes (by Content-Length or as it streams) gets 413."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    return await _refuse(send, self.limit)
        seen, refused = 0, False

        async def bounded():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # a body without Content-Length, counted as it streams
                    refused = True
                    await _refuse(send, self.limit)
                    return {"type": "http.disconnect"}
            return message

        async def quiet_after_refusal(message):
            if not refused:
                await send(message)

        try:
            await self.app(scope, bounded, quiet_after_refusal)
        except Exception:
            if not refused:
                raise


async def _refuse(send, limit: int) -> None:
    body = f'{{"error": "the request is larger than {limit // 1024} kB; send less"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
