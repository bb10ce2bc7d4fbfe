"""Request bodies are limited while they are received: the import's own limit, and a global one for every other request."""

from __future__ import annotations

import asyncio

from sqlmodel import Session, func, select

from profiles.models import TraineeProfile
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from web.auth.models import Role, SignInAttempt
from web.routes import officer_trainees
from web.security import BodyLimit, BodyTooLarge

CHUNK = 64 * 1024


def rows(session: Session, model: type) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model)).one())


class TestWhileReceiving:
    """The limit at the ASGI level: how much of a body is read before the refusal."""

    def run(self, *, chunks: int, limit: int, declared: int | None = None) -> tuple[int, BaseException | None]:
        """Send a body of `chunks` chunks to an app that reads it all; return the chunks received and the error raised."""
        sent = 0

        async def receive() -> dict[str, object]:
            nonlocal sent
            sent += 1
            return {"type": "http.request", "body": b"x" * CHUNK, "more_body": sent < chunks}

        async def reader(scope: object, receive_body: object, send: object) -> None:
            while (await receive_body())["more_body"]:  # type: ignore[operator]
                pass

        async def send(_message: object) -> None:
            return None

        headers = [(b"content-length", str(declared).encode())] if declared is not None else []
        scope = {"type": "http", "method": "POST", "path": "/officer/import/preview", "headers": headers}
        guarded = BodyLimit(reader, default=10, limits={"/officer/import/preview": limit})
        try:
            asyncio.run(guarded(scope, receive, send))
        except BodyTooLarge as error:
            return sent, error
        return sent, None

    def test_a_body_within_the_limit_is_read_whole(self) -> None:
        assert self.run(chunks=16, limit=16 * CHUNK) == (16, None)

    def test_reading_stops_at_the_first_chunk_past_the_limit(self) -> None:
        received, error = self.run(chunks=1000, limit=16 * CHUNK)
        assert received == 17 and isinstance(error, BodyTooLarge) and error.status_code == 413

    def test_a_declared_length_over_the_limit_is_refused_before_reading(self) -> None:
        received, error = self.run(chunks=1000, limit=16 * CHUNK, declared=16 * CHUNK + 1)
        assert received == 0 and isinstance(error, BodyTooLarge)

    def test_other_paths_get_the_global_limit(self) -> None:
        limits = BodyLimit(lambda *_: None, default=1024, limits=officer_trainees.BODY_LIMITS)  # type: ignore[arg-type]
        assert limits.limit_for("/api/v1/session") == 1024
        assert limits.limit_for("/officer/import/preview") > officer_trainees.MAX_UPLOAD_BYTES
        assert limits.limit_for("/officer/import/confirm") > limits.limit_for("/officer/import/preview")


def test_an_import_over_the_limit_gets_413_in_french_and_writes_nothing(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    line = b"T-1,Awa Traore,Bamako\n"
    body = b"id,full_name,home_town\n" + line * (officer_trainees.MAX_UPLOAD_BYTES // len(line) + 4000)
    response = client.post("/officer/import/preview", data={"csrf_token": client.csrf()}, files={"file": ("s.csv", body)})
    assert response.status_code == 413
    assert "Ce fichier dépasse 5 Mo. Découpez-le en plusieurs fichiers." in response.text
    assert rows(session, TraineeProfile) == 0


def test_a_file_just_over_the_limit_is_refused_by_the_import_itself(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    body = b"id,full_name\n" + b"x" * officer_trainees.MAX_UPLOAD_BYTES  # within the request's room for the other fields
    response = client.post("/officer/import/preview", data={"csrf_token": client.csrf()}, files={"file": ("s.csv", body)})
    assert response.status_code == 413 and "Ce fichier dépasse 5 Mo." in response.text


def test_a_large_sign_in_is_refused_before_anything_is_stored(client: Client, session: Session) -> None:
    huge = "a" * (2 * 1024 * 1024)
    form = client.post("/signin", data={"login": huge, "secret": "x", "csrf_token": client.csrf()})
    assert form.status_code == 413 and "La demande est trop volumineuse : 1024 Ko au plus." in form.text
    api = client.post("/api/v1/session", json={"login": huge, "secret": "x"}, headers={"X-CSRF-Token": client.csrf()})
    assert api.status_code == 413 and api.json()["code"] == "request_too_large"
    assert rows(session, SignInAttempt) == 0
