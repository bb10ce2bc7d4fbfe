"""Rendering pages: one template environment, with the translator, the CSRF token and the user in every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from core import formats
from core.names import display_name
from employers.rules import minimum_wage_month
from matching.country import get_pack
from web.csrf import CSRF_FIELD, csrf_token
from web.i18n import plural_translator, translator
from web.icons import icon
from web.messages import MESSAGES

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["icon"] = icon  # the trainees' pages' icons, as images (web.icons)
templates.env.filters["person"] = display_name  # a person's name, shown in one consistent case (core.names)


def page_language(request: Request) -> str:
    """Return the language chosen for this request (set by the Lang dependency), French by default."""
    return str(getattr(request.state, "lang", None) or request.cookies.get("rdvm_lang") or "fr")


def render(request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """Render a page (or, for htmx requests, the same template's fragment) with the common context."""
    lang = page_language(request)
    base = {
        "request": request,
        "_": translator(lang),
        "ngettext": plural_translator(lang),
        "lang": lang,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "user": getattr(request.state, "user", None),
        "company_name": getattr(request.state, "company_name", None),  # an employer's pages: the company in the header
        "messages": MESSAGES,
        # One way to write dates, times and amounts on every page, in the page's language.
        "day": lambda moment: formats.day(moment, lang),
        "when": lambda moment: formats.day_and_hour(moment, lang),
        "money": lambda amount: formats.money(amount, lang),
        "smig": minimum_wage_month(),  # the minimum wage, said wherever a salary is set for a decision
        "pack": get_pack(),  # the country: its phone example, its name
    }
    return templates.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status_code)
