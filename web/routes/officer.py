"""(to be written)"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from web.csrf import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
