"""The officers' phone is a tap-to-call link on every trainee page (issue 13: "Appelez votre conseiller" gave no number)."""

from __future__ import annotations

import pytest

from tests.web.test_trainee_pages import Scene, scene
from web.config import get_settings

__all__ = ["scene"]  # the fixture, used by name below


def test_every_trainee_page_offers_to_call_the_officer(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "office_phone", "+223 20 22 33 44")
    made = scene.offer()
    for url in ("/trainee", f"/trainee/offers/{made.id}", f"/trainee/offers/{made.id}/decline", "/trainee/profile",
                "/trainee/availability"):  # fmt: skip
        page = scene.client.get(url)
        assert page.status_code == 200, url
        assert '<a href="tel:+22320223344">Appeler mon conseiller : +223 20 22 33 44</a>' in page.text, url
