"""The admin's score weights page: weights in use beside the proposal, adopt and roll back, in French and English."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session, select

from core.audit import AuditEvent
from employers import weights
from matching.learning import Learned, Reason, Why, verdict
from tests.employers.test_weights import ADOPTABLE, LEARNED
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from web.auth.models import Role
from web.routes.admin_weights import REASONS


def test_only_admins_see_the_page(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    assert client.get("/admin/weights").status_code == 403
    assert client.post_form("/admin/weights/rollback", {"version": "0"}).status_code == 403  # type: ignore[attr-defined]


def test_the_page_shows_the_weights_in_use_and_a_proposal_kept_with_its_reason(client: Client, session: Session) -> None:
    admin = user(session, Role.admin)
    client.sign_in(admin.login, PASSWORD)
    page = client.get("/admin/weights").text
    assert "Poids du score" in page and "Version en service : poids par défaut" in page
    kept = "Trop peu de placements dont on connaît l&#39;issue (0 &lt; 200) : rien n&#39;est appris."
    assert f'<dd id="reason" data-code="too_few">{kept}</dd>' in page
    assert "too few" not in page and "Adopter les poids proposés" not in page
    assert '<tr id="weight-skills"><td>Compétences demandées</td>\n    <td>0.1800</td><td>0.1800</td>' in page
    # The defaults depend on the post's level: one column each (guard, supervisor, manager)
    assert (
        '<tr id="weight-level"><td>Niveau souhaité</td>\n    <td>0.0800</td><td>0.1200</td><td>0.0600</td><td>0.0600</td>' in page
    )
    english = client.get("/admin/weights?lang=en").text
    assert "Score weights" in english and "The weights in use are kept." in english
    assert (
        '<dd id="reason" data-code="too_few">Too few placements with a known outcome (0 &lt; 200): nothing is learned.</dd>'
        in english
    )


@pytest.mark.parametrize(
    ("why", "french", "english"),
    [
        (
            verdict(400, 0.61, 0.74, 0.05),
            "L&#39;AUC des poids proposés (0.7400) dépasse celle du score en service (0.6100) d&#39;au moins 0.02 sur 400 "
            "placements, et la borne basse du gain à 99.9% (+0.0500) est au-dessus de 0.",
            "The proposed weights&#39; AUC (0.7400) beats the score in use&#39;s (0.6100) by 0.02 or more on 400 placements, "
            "and the gain&#39;s 99.9% lower bound (+0.0500) is above 0.",
        ),
        (
            verdict(400, 0.68, 0.69, 0.01),
            "Gain trop faible : l&#39;AUC des poids proposés (0.6900) ne dépasse pas celle du score en service (0.6800) "
            "d&#39;au moins 0.02.",
            "Gain too small: the proposed weights&#39; AUC (0.6900) does not beat the score in use&#39;s (0.6800) "
            "by 0.02 or more.",
        ),
        (
            verdict(300, 0.5, 0.53, -0.01),
            "Gain non significatif : l&#39;AUC des poids proposés (0.5300) dépasse celle du score en service (0.5000) "
            "d&#39;au moins 0.02 sur 300 placements, mais la borne basse du gain à 99.9% (-0.0100) n&#39;est pas au-dessus "
            "de 0 : ce peut être le hasard.",
            "Gain not significant: the proposed weights&#39; AUC (0.5300) beats the score in use&#39;s (0.5000) by 0.02 or "
            "more on 300 placements, but the gain&#39;s 99.9% lower bound (-0.0100) is not above 0: it may be chance.",
        ),
        (
            Why(Reason.ONE_KIND, {"fewest": 3, "min_of_each": 10}),
            "Trop peu de placements d&#39;une des deux issues (3 &lt; 10) : rien à apprendre.",
            "Too few placements of one outcome (3 &lt; 10): nothing to learn.",
        ),
        (
            Why(Reason.NO_PREDICTOR),
            "Gain trop faible : aucune composante ne prédit l&#39;issue des placements.",
            "Gain too small: no component predicts the placements&#39; outcomes.",
        ),
    ],
)
def test_the_decision_is_worded_from_its_code_in_each_language(
    client: Client, session: Session, monkeypatch: pytest.MonkeyPatch, why: Why, french: str, english: str
) -> None:
    shown = replace(ADOPTABLE, adopted=why.code is Reason.ADOPTED, why=why)
    monkeypatch.setattr(weights, "propose", lambda *, session, as_of: shown)
    admin = user(session, Role.admin)
    client.sign_in(admin.login, PASSWORD)
    assert f'<dd id="reason" data-code="{why.code}">{french}</dd>' in client.get("/admin/weights").text
    assert f'<dd id="reason" data-code="{why.code}">{english}</dd>' in client.get("/admin/weights?lang=en").text


def test_every_reason_code_has_its_words() -> None:
    assert set(REASONS) == set(Reason)


def test_adopt_then_roll_back(client: Client, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def proposal(*, session: Session, as_of: date) -> Learned:
        return ADOPTABLE

    monkeypatch.setattr(weights, "propose", proposal)
    admin = user(session, Role.admin)
    client.sign_in(admin.login, PASSWORD)
    page = client.get("/admin/weights").text
    assert "Adopter les poids proposés" in page and "<td>0.6000</td></tr>" in page  # the proposal's proximity
    done = client.post_form("/admin/weights/adopt", {}, follow_redirects=True)  # type: ignore[attr-defined]
    adopted = weights.version_in_use(session=session)  # ids are not reset between tests on PostgreSQL
    assert "Les poids proposés sont en service." in done.text and f"Version en service : {adopted}" in done.text
    assert adopted > 0 and weights.current_weights(session=session) == LEARNED
    back = client.post_form("/admin/weights/rollback", {"version": "0"}, follow_redirects=True)  # type: ignore[attr-defined]
    assert "Les poids choisis sont de nouveau en service." in back.text and "retour à la version 0" in back.text
    assert weights.version_in_use(session=session) == adopted + 1
    events = session.exec(select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.entity == "weights")).all()
    assert sorted(events) == [("adopt", admin.id), ("roll_back", admin.id)]
    assert client.post_form("/admin/weights/rollback", {"version": "77"}).status_code == 404  # type: ignore[attr-defined]


def test_adopting_a_proposal_that_fails_the_rule_is_refused(client: Client, session: Session) -> None:
    admin = user(session, Role.admin)
    client.sign_in(admin.login, PASSWORD)
    refused = client.post_form("/admin/weights/adopt", {})  # type: ignore[attr-defined]
    assert refused.status_code == 409 and "ne remplissent pas la règle d&#39;adoption" in refused.text
    assert weights.history(session=session) == []


def test_the_officers_menu_links_the_page_for_admins_only(client: Client, session: Session, new_client: object) -> None:
    admin, officer = user(session, Role.admin), user(session, Role.officer)
    client.sign_in(admin.login, PASSWORD)
    assert '<a href="/admin/weights">Poids du score</a>' in client.get("/officer").text
    other = new_client()  # type: ignore[operator]
    other.sign_in(officer.login, PASSWORD)
    assert other.get("/officer").status_code == 200 and "/admin/weights" not in other.get("/officer").text
