"""What the application does once, when its server starts answering."""

from __future__ import annotations

import gc

from starlette.testclient import TestClient

from web import app as web_app


def test_the_objects_loaded_at_start_are_left_out_of_the_collectors_runs() -> None:
    application = web_app.create_app()
    with TestClient(application) as client:  # runs the lifespan, as uvicorn does
        assert client.get("/api/v1/csrf").status_code == 200
        assert web_app._frozen and gc.get_freeze_count() > 0
