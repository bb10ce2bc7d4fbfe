"""The admin's page of the score's weights: those in use beside the proposal learned from outcomes; adopt or roll back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.clock import utcnow
from employers import weights
from matching.components import NAMES
from matching.learning import Reason
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import AdminUser, Lang, Submitted
from web.errors import DomainRoute
from web.labels import Labels
from web.messages import N_
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: The confirmations after a POST, by the code of the `done` query parameter.
DONE = {"adopted": N_("Les poids proposés sont en service."), "rolled_back": N_("Les poids choisis sont de nouveau en service.")}

#: Why the proposal is adopted or kept, by reason code; filled with the reason's values (`matching.learning.Why`).
REASONS = {
    Reason.TOO_FEW: N_("Trop peu de placements dont on connaît l'issue ({n} < {min_outcomes}) : rien n'est appris."),
    Reason.ONE_KIND: N_("Trop peu de placements d'une des deux issues ({fewest} < {min_of_each}) : rien à apprendre."),
    Reason.NO_PREDICTOR: N_("Gain trop faible : aucune composante ne prédit l'issue des placements."),
    Reason.GAIN_TOO_SMALL: N_(
        "Gain trop faible : l'AUC des poids proposés ({learned_auc:.4f}) ne dépasse pas celle du score en service "
        "({baseline_auc:.4f}) d'au moins {min_gain}."
    ),
    Reason.NOT_SIGNIFICANT: N_(
        "Gain non significatif : l'AUC des poids proposés ({learned_auc:.4f}) dépasse celle du score en service "
        "({baseline_auc:.4f}) d'au moins {min_gain} sur {n} placements, mais la borne basse du gain à {confidence:.1%} "
        "({gain_bound:+.4f}) n'est pas au-dessus de 0 : ce peut être le hasard."
    ),
    Reason.ADOPTED: N_(
        "L'AUC des poids proposés ({learned_auc:.4f}) dépasse celle du score en service ({baseline_auc:.4f}) d'au moins "
        "{min_gain} sur {n} placements, et la borne basse du gain à {confidence:.1%} ({gain_bound:+.4f}) est au-dessus de 0."
    ),
}


@router.get("/admin/weights", response_class=HTMLResponse)
def weights_page(request: Request, session: SessionDep, lang: Lang, user: AdminUser, done: str = "") -> Response:
    """Show the weights in use, the proposal learned from the placements, and every earlier version."""
    context = {
        "labels": Labels(lang),
        "names": NAMES,
        "in_use": weights.current_weights(session=session),
        "by_level": weights.current_config(session=session).weights_by_level,
        "version": weights.version_in_use(session=session),
        "proposal": weights.propose(session=session, as_of=utcnow().date()),
        "history": weights.history(session=session),
        "done": DONE.get(done),
        "reasons": REASONS,
    }
    return render(request, "officer/weights.html", context)


@router.post("/admin/weights/adopt")
def adopt(session: SessionDep, user: AdminUser) -> Response:
    """Put the proposal learned from the placements in service (refused unless it meets the adoption rule)."""
    learned = weights.propose(session=session, as_of=utcnow().date())
    weights.adopt(session=session, learned=learned, source=weights.DATABASE_SOURCE, by=user.id)
    return RedirectResponse("/admin/weights?done=adopted", status_code=303)


@router.post("/admin/weights/rollback")
def roll_back(session: SessionDep, user: AdminUser, form: Submitted) -> Response:
    """Put an earlier version's weights (0: the defaults) back in service."""
    chosen = str(form.get("version") or "")
    weights.roll_back(session=session, to=int(chosen) if chosen.isdigit() else -1, by=user.id)
    return RedirectResponse("/admin/weights?done=rolled_back", status_code=303)
