"""The officers' vacancy pages: open vacancies, and each one's review (ranked, ineligible, filters, offer actions)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.csrf import verify_csrf
from web.routes.employer_common import DomainRoute

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)
