"""Bounds of an untrusted workbook, checked before any reader allocates it.

A reader (calamine, openpyxl) sizes its grid from the sheet's declared range (`<dimension>`)
or from the cells it finds: a 1.7 KB file with one cell at A1 and one at XFD1048576 asks for
17 billion cells. Here the zip directory and the XML are streamed and counted, never loaded:
sizes and compression ratio (zip bombs), DTDs (entity expansion, external entities: OOXML
never has one), and each worksheet's declared and actual used range against the limits.

Pure Python, no Django: a refusal is a `Refusal(code, params)`; the reader turns it into the
user's message (households.workbook.reader.refusal_message).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    rows: int = 500_000
    columns: int = 256
    cells: int = 20_000_000  # the grid a reader allocates: used rows x used columns
    uncompressed: int = 512 * 1024 * 1024  # all parts together, once inflated
    ratio: int = 250  # inflated / compressed, for parts over 1 MB
    members: int = 10_000


class Refusal(Exception):
    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")
# A row or cell start tag (any namespace prefix): group 1 the tag, groups 2 and 3 the letters
# and digits of its `r` attribute when it has one (one pass: this scan is the check's cost).
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b(?:[^>]*?\sr=\"([A-Za-z]*)(\d*)\")?[^>]*>")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def column_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def workbook_bounds_check(path: str | Path, limits: Limits | None = None) -> None:
    """Raise Refusal when the workbook at `path` is outside `limits`; read nothing into memory
    beyond one megabyte at a time."""
    limits = limits or Limits()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_directory(infos, limits)
            for info in infos:
                name = info.filename
                if name.endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml":
                    _check_part(archive, info, limits)
    except Refusal:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise Refusal("corrupt") from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted entries, unknown methods
        raise Refusal("corrupt") from exc


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.members:
        raise Refusal("too_many_parts", count=len(infos))
    total = sum(info.file_size for info in infos)
    if total > limits.uncompressed:
        raise Refusal("inflated", size_mb=total // (1024 * 1024))
    for info in infos:
        if info.file_size > CHUNK and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Refusal("bomb", part=info.filename)


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Stream one XML part: no DTD anywhere; for a worksheet, its range within limits."""
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    scan = _RangeScan(info.filename, limits) if is_sheet else None
    tail = b""
    read = 0
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            read += len(chunk)
            # The directory's sizes are only claims: stop at what it declared.
            if read > info.file_size or read > limits.uncompressed:
                raise Refusal("bomb", part=info.filename)
            data = tail + chunk
            if any(mark in data for mark in _DTD_MARKS):
                raise Refusal("dtd", part=info.filename)
            if scan is not None:
                cut = data.rfind(b"<")
                cut = len(data) if cut < len(tail) else cut
                scan.feed(data[:cut])
                tail = data[cut:]
            else:
                tail = data[-16:]
    if scan is not None:
        scan.feed(tail)
        scan.finish()


class _RangeScan:
    """The used range of a worksheet from its row and cell tags, in document order (a cell or
    row without an `r` attribute takes the next position, as readers place it)."""

    def __init__(self, part: str, limits: Limits) -> None:
        self.part = part
        self.limits = limits
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.min_row: int | None = None
        self.min_col: int | None = None
        self.dimension_seen = False

    def feed(self, data: bytes) -> None:
        if not self.dimension_seen:
            match = _DIMENSION.search(data)
            if match:
                self.dimension_seen = True
                self._check_declared(match[1].decode("ascii", "replace"))
            elif b"sheetData" in data:
                self.dimension_seen = True
        for tag, letters, digits in _TAG.findall(data):
            if tag == b"row":
                self.row = int(digits) if digits else self.row + 1
                self.col = 0
                self._bound_row(self.row)
                continue
            if letters:
                self.col = column_number(letters)
                if digits:
                    row = int(digits)
                    if row != self.row:
                        self.row = row
                        self._bound_row(row)
            else:
                self.col += 1
            if self.col > self.max_col:
                self.max_col = self.col
                if self.col > self.limits.columns:
                    self._refuse(self.max_row, self.col)
            if self.min_col is None or self.col < self.min_col:
                self.min_col = self.col

    def _bound_row(self, row: int) -> None:
        if self.min_row is None or row < self.min_row:
            self.min_row = row
        if row > self.max_row:
            self.max_row = row
            if row > self.limits.rows:
                self._refuse(row, self.max_col)

    def finish(self) -> None:
        if not self.max_row:
            return
        height = self.max_row - (self.min_row or 1) + 1
        width = self.max_col - (self.min_col or 1) + 1
        # Readers allocate from A1 or from the first used cell; either way this many at most.
        if self.max_row * max(self.max_col, 1) > self.limits.cells and height * width > 0:
            self._refuse(self.max_row, self.max_col)

    def _check_declared(self, ref: str) -> None:
        corners = [_REF.fullmatch(part) for part in ref.split(":")]
        if not corners or any(c is None for c in corners):
            return  # an unreadable dimension is ignored by readers too; the cells decide
        rows = [int(c[2]) for c in corners]
        cols = [column_number(c[1]) for c in corners]
        last_row, last_col = max(rows), max(cols)
        if (
            last_row > self.limits.rows
            or last_col > self.limits.columns
            or last_row * last_col > self.limits.cells
        ):
            self._refuse(last_row, last_col, declared=True)

    def _refuse(self, rows: int, cols: int, *, declared: bool = False) -> None:
        raise Refusal(
            "declared_range" if declared else "used_range",
            part=self.part,
            rows=rows,
            columns=cols,
            max_rows=self.limits.rows,
            max_columns=self.limits.columns,
        )
