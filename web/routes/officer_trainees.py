"""The officers' trainee management: profiles (create, edit), cohorts, PINs, and file imports with a preview."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.csrf import verify_csrf
from web.routes.employer_common import DomainRoute

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)
