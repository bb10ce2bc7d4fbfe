"""The officers' records: the audit trail (searchable by trainee, company, vacancy) and the outbox."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.csrf import verify_csrf
from web.routes.employer_common import DomainRoute

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)
