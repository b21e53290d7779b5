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


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
# what every answer carries: never framed by another site (clickjacking), only our own
# scripts, styles and images, no guessing of content types, no address sent to other sites
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # (no-referrer would make forms' Origin "null")
]


class Doors:
    """In front of every request: HTTP Basic (user and password compared in constant time)
    when a password is set; without one (only allowed on a loopback address), requests
    must name a loopback host, so a web page cannot reach the dashboard through a domain
    of its own that resolves to 127.0.0.1 (DNS rebinding). Every answer gets
    SECURITY_HEADERS."""

    def __init__(self, app: ASGIApp, user: str, password: str | None) -> None:
        self.app = app
        self.expected = (
            base64.b64encode(f"{user}:{password}".encode()).decode() if password else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = self._refusal(headers)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, headers: dict[bytes, bytes]) -> PlainTextResponse | None:
        extra = {k.decode(): v.decode() for k, v in SECURITY_HEADERS}
        if self.expected is None:
            host = headers.get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in LOOPBACK_NAMES:
                return PlainTextResponse(
                    "without ENRICH_UI_PASSWORD the dashboard answers only to 127.0.0.1 or "
                    "localhost",
                    status_code=421,
                    headers=extra,
                )
            return None
        header = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "basic" and hmac.compare_digest(
            given.strip().encode(), self.expected.encode()
        ):
            return None
        return PlainTextResponse(
            "enrich dashboard: log in",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="enrich", charset="UTF-8"', **extra},
        )


class FormGuard:
    """A token for the dashboard's forms (the same for every form of this process: a page
    of another site cannot read it), and the check of a posted form."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    @property
    def token(self) -> str:
        return hmac.new(self._key, b"enrich-ui-form", hashlib.sha256).hexdigest()

    def from_here(self, headers: dict[str, str], host: str) -> bool:
        """No other site is the post's origin (what the browser says of it)."""
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return False
        origin = headers.get("origin")
        return not origin or urlsplit(origin).netloc == host  # ("null" too: never ours)

    def allows(self, headers: dict[str, str], host: str, token: str | None) -> bool:
        """A form post from one of our pages: its token, and no other site as its origin."""
        return (
            self.from_here(headers, host)
            and token is not None
            and hmac.compare_digest(token.encode(), self.token.encode())
        )
