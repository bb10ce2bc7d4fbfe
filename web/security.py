"""The HTTP edge's guards: security headers, HEAD on every page, request size limits, and same-site redirects.

Each is a plain ASGI middleware (no body buffering), added once in `web.app.create_app`. Forwarded headers
(`X-Forwarded-For`, `X-Forwarded-Proto`) are believed only from the proxies named in RDVM_TRUSTED_PROXIES:
`rdvm serve` runs uvicorn with its own proxy handling off, so the address that sign-in throttling counts
and the scheme that decides HSTS cannot be chosen by the client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import unquote, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: No script, style, font or image from elsewhere, none inline; no framing; forms post only here.
CONTENT_SECURITY_POLICY = "; ".join(
    ("default-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "object-src 'none'")
)
#: /docs (Swagger UI) draws its icons as data: SVG images from its stylesheet: allowed there only (an image runs no script).
DOCS_PATH = "/docs"
DOCS_CONTENT_SECURITY_POLICY = f"{CONTENT_SECURITY_POLICY}; img-src 'self' data:"
#: One year, sub-domains included: sent only on responses to requests that came over HTTPS.
HSTS = "max-age=31536000; includeSubDomains"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that ignore frame-ancestors
    "Referrer-Policy": "same-origin",  # page addresses (trainee codes, searches) never leave the site
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Pages and API replies hold personal data: no browser or proxy may keep a copy. Static files may be cached.
NO_STORE = "no-store"
STATIC_PREFIX = "/static/"


def security_headers(*, https: bool, static: bool, docs: bool = False) -> dict[str, str]:
    """Return the headers every response carries (HSTS over HTTPS only, no-store except on static files)."""
    headers = dict(HEADERS)
    if docs:
        headers["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
    if https:
        headers["Strict-Transport-Security"] = HSTS
    if not static:
        headers["Cache-Control"] = NO_STORE
    return headers


class OnResponseStart:
    """A plain ASGI middleware that edits the headers of every HTTP response as it starts.

    Not Starlette's BaseHTTPMiddleware: it runs the application in a task group, so an error raised while the
    body is read (BodyTooLarge) would reach the application's handlers wrapped in an exception group.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def editor(self, scope: Scope) -> Callable[[MutableHeaders], None]:
        """Return what edits the response headers of this request (read when the request comes in)."""
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; edit the response's headers when it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        edit = self.editor(scope)

        async def edited(message: Message) -> None:
            if message["type"] == "http.response.start":
                edit(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, edited)


class SecurityHeaders(OnResponseStart):
    """Add the security headers to every response of the application."""

    def editor(self, scope: Scope) -> Callable[[MutableHeaders], None]:
        """Return what sets the security headers for this request's scheme and path."""
        path, https = scope["path"], scope.get("scheme") == "https"
        extra = security_headers(https=https, static=path.startswith(STATIC_PREFIX), docs=path == DOCS_PATH)
        return lambda headers: headers.update(extra)


class HeadAsGet:
    """Answer HEAD on every GET page: the GET answer's status and headers, without its body.

    FastAPI routes declared with GET do not answer HEAD (405); monitors and link checkers send HEAD.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a HEAD request as a GET and drop the body of the answer."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class BodyTooLarge(HTTPException):
    """The request's body is larger than its route accepts (413); `limit` is in bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(413, f"request body over {limit} bytes")


class BodyLimit:
    """Refuse a request body larger than its limit while it is received, before anything parses or spools it.

    Every request gets `default` bytes; a path in `limits` (the officers' import) gets its own. A declared
    Content-Length over the limit is refused before a byte is read; a body sent in chunks is counted as it
    comes and refused at the first chunk past the limit. The refusal is raised to whoever reads the body
    (form parsing, JSON decoding), so the application's handlers answer it with a message in French.
    """

    def __init__(self, app: ASGIApp, *, default: int, limits: Mapping[str, int] | None = None) -> None:
        self.app, self.default, self.limits = app, default, dict(limits or {})

    def limit_for(self, path: str) -> int:
        """Return the largest body, in bytes, that a request to this path may send."""
        return self.limits.get(path.rstrip("/") or "/", self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a body reader that counts, and refuses past the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


#: Longest address a sign-in may send the browser back to.
MAX_NEXT_LENGTH = 2000


def same_site_path(target: str, fallback: str) -> str:
    """Return `target` when it is a path on this site, else `fallback` (never another site, whatever the spelling).

    Browsers read `\\` as `/`, drop tabs and new lines, and some decode `%5C`: `/\\evil.example`, `/%5Cevil`,
    `/\\t/evil` would all lead elsewhere. Only a plain absolute path without any of those is kept.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return fallback
    for spelling in (target, unquote(target)):
        if not _plain_path(spelling):
            return fallback
    return target


def _plain_path(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc
