"""The dashboard's doors: HTTP Basic authentication on every request, and forms that only
the dashboard's own pages can post (a token in each form, and no cross-site origin)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def is_loopback(host: str) -> bool:
    """Whether every address the host name stands for is a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError:
            return False
        return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


class BasicAuth:
    """Every request needs the user and password (compared in constant time); none is
    needed when no password is set (only allowed on a loopback address)."""

    def __init__(self, app: ASGIApp, user: str, password: str | None) -> None:
        self.app = app
        self.expected = (
            base64.b64encode(f"{user}:{password}".encode()).decode() if password else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.expected is not None:
            header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
            scheme, _, given = header.partition(" ")
            if scheme.lower() != "basic" or not hmac.compare_digest(
                given.strip().encode(), self.expected.encode()
            ):
                response = PlainTextResponse(
                    "enrich dashboard: log in",
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="enrich", charset="UTF-8"'},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class FormGuard:
    """A token for the dashboard's forms (the same for every form of this process: a page
    of another site cannot read it), and the check of a posted form."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    @property
    def token(self) -> str:
        return hmac.new(self._key, b"enrich-ui-form", hashlib.sha256).hexdigest()

    def allows(self, headers: dict[str, str], host: str, token: str | None) -> bool:
        """A form post from one of our pages: its token, and no other site as its origin."""
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return False
        origin = headers.get("origin")
        if origin and urlsplit(origin).netloc != host:  # ("null" too: never ours)
            return False
        return token is not None and hmac.compare_digest(token, self.token)
