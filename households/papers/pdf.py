"""HTML papers to PDF with WeasyPrint (HTML/CSS layout, pango text shaping, fonts subset and
embedded), never touching the network.

Why WeasyPrint: the paper is the same Django template as its printable page (one source, house
style), CSS paged media gives A4, margins, page numbers and repeated table headers, pango shapes
Vietnamese (stacked diacritics) correctly and the fonts used are embedded as subsets, so a PDF
prints the same on any machine. ReportLab would mean laying each paper out in Python a second
time; xhtml2pdf has no real CSS; Chromium's print-to-PDF is a browser process per paper.

Many households in one file: WeasyPrint keeps the whole layout of a document in memory, so a
commune's certificates are rendered `PAPER_CHUNK` households at a time, each pass written to a
temporary file, and the passes appended into one PDF (pypdf) - memory stays flat.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

from django.conf import settings

logger = logging.getLogger(__name__)

# WeasyPrint logs every CSS property it does not know; papers are ours, keep the log quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class PaperFetchRefused(ValueError):
    """A paper asked for a resource outside the font directory (never fetched)."""


def allowed_roots() -> tuple[Path, ...]:
    return (Path(settings.PAPER_FONT_DIR).resolve(), Path("/usr/share/fonts").resolve())


def _allowed(url: str) -> bool:
    if url.startswith("data:"):
        return True
    if not url.startswith("file://"):
        return False
    path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
    return any(path.is_relative_to(root) for root in allowed_roots())


def url_fetcher() -> Any:
    """A fetcher that reads only local font files (and inline data: URLs): a paper never reaches
    out to the network nor reads other files, whatever a household's data contains."""
    from weasyprint.urls import URLFetcher

    class PaperFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not _allowed(url):
                raise PaperFetchRefused(url)
            return super().fetch(url, headers)

    return PaperFetcher(allowed_protocols={"file", "data"}, timeout=1)


def font_url(style: str) -> str:
    """file:// address of the paper font in `style` (Regular, Bold, Italic, BoldItalic)."""
    return (Path(settings.PAPER_FONT_DIR) / f"LiberationSerif-{style}.ttf").as_uri()


def _document(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url="file:///nonexistent/", url_fetcher=url_fetcher())


def html_to_pdf(html: str) -> bytes:
    """One paper (or a short list) as PDF bytes."""
    return _document(html).write_pdf()


def pdf_pages(html: str) -> int:
    return len(_document(html).render().pages)


def pdf_many(
    chunks: Iterable[str],
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Render each HTML chunk on its own and write them, appended, as one PDF to `out`.
    Returns the number of pages. `progress(n)` is called after the n-th chunk."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    pages = 0
    with tempfile.TemporaryDirectory(prefix="papers-") as tmp:
        for n, html in enumerate(chunks, start=1):
            part = Path(tmp) / f"{n:06d}.pdf"
            _document(html).write_pdf(part)
            writer.append(str(part))
            pages = len(writer.pages)
            if progress:
                progress(n)
        writer.write(out)
    return pages


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
