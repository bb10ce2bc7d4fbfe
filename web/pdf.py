"""Printable documents: a page's HTML rendered as PDF by WeasyPrint, with a print stylesheet of web/static/."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    """Return the HTML rendered as PDF with the stylesheet `stylesheet` of web/static/ (nothing is fetched)."""
    from weasyprint import CSS, HTML  # imported on use: it loads Pango, which only the PDFs need

    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STATIC / stylesheet))]))
