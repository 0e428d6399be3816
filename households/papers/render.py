"""A paper as a printable page or as a PDF, from one template.

Papers are administrative documents and are always printed in Vietnamese (Decree 30/2020/NĐ-CP),
whatever language the officer's screen is in."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from . import pdf as pdf_layer

FONT_STYLES = ("Regular", "Bold", "Italic", "BoldItalic")


def vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}".replace(",", ".")


@functools.cache
def paper_css() -> str:
    """The papers' stylesheet, inlined into each PDF (WeasyPrint fetches nothing)."""
    from django.contrib.staticfiles import finders

    found = finders.find("css/paper.css")
    return Path(str(found)).read_text(encoding="utf-8") if found else ""


def paper_html(template: str, context: dict[str, Any], *, pdf: bool) -> str:
    context = {
        **context,
        "pdf": pdf,
        "paper_css": paper_css() if pdf else "",
        "fonts": {s: pdf_layer.font_url(s) for s in FONT_STYLES},
    }
    with translation.override("vi"):
        return render_to_string(template, context)


def paper_response(
    template: str, context: dict[str, Any], *, pdf: bool, filename: str
) -> HttpResponse:
    """The page (with a print button and a link to its PDF) or the PDF as a download."""
    html = paper_html(template, context, pdf=pdf)
    if not pdf:
        return HttpResponse(html)
    response = HttpResponse(pdf_layer.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def papers_pdf(
    template: str,
    context_of: Callable[[list[Any]], dict[str, Any]],
    batches: Iterable[list[Any]],
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Many households' papers as one PDF written to `out`: each batch rendered on its own
    (settings.PAPER_CHUNK households), pages appended. Returns the page count."""
    chunks = (paper_html(template, context_of(batch), pdf=True) for batch in batches)
    return pdf_layer.pdf_many(chunks, out, progress=progress)


def chunk_size() -> int:
    return max(1, settings.PAPER_CHUNK)
