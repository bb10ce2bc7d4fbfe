"""(to be written)"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.csrf import verify_csrf

router = APIRouter(prefix="/api/v1", dependencies=[Depends(verify_csrf)], tags=["employers"])
