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
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
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


def _allowed(url: str, roots: tuple[Path, ...]) -> bool:
    if url.startswith("data:"):
        return True
    if not url.startswith("file://"):
        return False
    path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
    return any(path.is_relative_to(root) for root in roots)


def url_fetcher(roots: tuple[Path, ...] | None = None) -> Any:
    """A fetcher that reads only local font files (and inline data: URLs): a paper never reaches
    out to the network nor reads other files, whatever a household's data contains."""
    from weasyprint.urls import URLFetcher

    allowed = roots if roots is not None else allowed_roots()

    class PaperFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not _allowed(url, allowed):
                raise PaperFetchRefused(url)
            return super().fetch(url, headers)

    return PaperFetcher(allowed_protocols={"file", "data"}, timeout=1)


def font_url(style: str) -> str:
    """file:// address of the paper font in `style` (Regular, Bold, Italic, BoldItalic)."""
    return (Path(settings.PAPER_FONT_DIR) / f"LiberationSerif-{style}.ttf").as_uri()


def _document(html: str, roots: tuple[Path, ...] | None = None) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url="file:///nonexistent/", url_fetcher=url_fetcher(roots))


def html_to_pdf(html: str) -> bytes:
    """One paper (or a short list) as PDF bytes."""
    return _document(html).write_pdf()


def _render_part(html: str, path: str, roots: tuple[Path, ...]) -> str:
    """One chunk to a PDF file (run in a worker process: no Django, no database)."""
    _document(html, roots).write_pdf(path)
    return path


def workers_for(requested: int | None) -> int:
    """Processes rendering chunks side by side (WeasyPrint lays out ~20 pages a second on one
    core). A Celery prefork child is daemonic and may not start processes: one, then."""
    wanted = requested if requested is not None else settings.PAPER_WORKERS
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, min(wanted, os.cpu_count() or 1))


def pdf_many(
    chunks: Iterable[str],
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> int:
    """Render each HTML chunk on its own (in `workers` processes) and write them, appended in
    order, as one PDF to `out`. Returns the number of pages. `progress(n)` after n chunks."""
    from pypdf import PdfWriter

    roots = allowed_roots()
    processes = workers_for(workers)
    writer = PdfWriter()
    done = 0

    def append(path: str) -> None:
        nonlocal done
        writer.append(path)
        done += 1
        if progress:
            progress(done)

    with tempfile.TemporaryDirectory(prefix="papers-") as tmp:
        parts = ((html, str(Path(tmp) / f"{n:06d}.pdf")) for n, html in enumerate(chunks))
        if processes == 1:
            for html, path in parts:
                append(_render_part(html, path, roots))
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(processes, mp_context=context) as pool:
                pending: deque[Future[str]] = deque()
                for html, path in parts:  # at most 2 chunks per process waiting: bounded memory
                    pending.append(pool.submit(_render_part, html, path, roots))
                    if len(pending) >= 2 * processes:
                        append(pending.popleft().result())
                while pending:
                    append(pending.popleft().result())
        writer.write(out)
    return len(writer.pages)


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
