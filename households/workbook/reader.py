"""Reading an uploaded workbook: is it a real xlsx, then its sheets as plain rows.

The one reading layer of every import: `read_workbook` checks the file's bounds (bounds.py:
sizes, zip bombs, DTDs, declared and used ranges) before any reader allocates it, then reads
it — bounds check included — in a child process with memory and time limits (sandbox.py), so
no file can take down the web or worker process that received it.

python-calamine reads the values (fast); the sheet XML is scanned as a stream for what
calamine does not report (formulas). Nothing here touches the database.
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import iterparse

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from .bounds import Limits, Refusal, workbook_bounds_check
from .sandbox import SandboxError, run_bounded

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_ROWS = 500_000


class WorkbookError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def check_workbook_file(path: str | Path) -> None:
    """Refuse what is not an xlsx workbook, by content (the name is not trusted)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(
            _("Không tìm thấy tệp đã tải lên (có thể đã bị xóa). Hãy tải tệp lên lại.")
        ) from exc
    if size == 0:
        raise WorkbookError(_("Tệp rỗng. Hãy chọn tệp Excel (.xlsx) có dữ liệu."))
    limit = settings.WORKBOOK_MAX_BYTES
    if size > limit:
        raise WorkbookError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)}
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE2_MAGIC:
        raise WorkbookError(
            _(
                "Tệp được bảo vệ bằng mật khẩu (hoặc là tệp .xls cũ). Hãy bỏ mật khẩu và lưu "
                "lại dưới dạng Excel Workbook (.xlsx)."
            )
        )
    if head[:4] != ZIP_MAGIC:
        raise WorkbookError(
            _("Tệp không phải là tệp Excel (.xlsx). Hãy dùng mẫu tải về từ hệ thống.")
        )
    # Even the zip directory is read in the limited child: 30 MB of directory entries would
    # cost the web process hundreds of megabytes of ZipInfo objects.
    run_reader(_check_zip, str(path))


def _check_zip(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > Limits().members:
                raise WorkbookError(
                    _("Tệp Excel có cấu trúc bất thường (quá nhiều thành phần), không đọc được.")
                )
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookError(
            _("Tệp không phải là tệp Excel (.xlsx). Hãy dùng mẫu tải về từ hệ thống.")
        )


@dataclass
class Sheet:
    name: str
    header: list[str]
    # (1-based Excel row number, values padded to the header width); blank rows skipped.
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_merged: bool = False


@dataclass
class Workbook:
    sheets: dict[str, Sheet]
    # (sheet, cell reference like "H5", row, column) of cells holding a formula.
    formula_cells: list[tuple[str, str, int, int]] = field(default_factory=list)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(sheet) -> Iterator[tuple[int, list]]:
    row_offset, col_offset = sheet.start if sheet.start else (0, 0)
    pad = [""] * col_offset
    for index, values in enumerate(sheet.iter_rows()):
        yield row_offset + index + 1, pad + list(values) if col_offset else list(values)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def refusal_message(refusal: Refusal, path: str | Path | None = None) -> str:
    """The user's message for a workbook outside its bounds."""
    p = refusal.params
    code = refusal.code
    if code in ("declared_range", "used_range"):
        sheet = _sheet_of_part(path, p.get("part", "")) if path else ""
        return _(
            "Trang tính %(sheet)s có vùng dữ liệu quá lớn (đến dòng %(rows)s, cột %(columns)s); "
            "giới hạn là %(max_rows)s dòng và %(max_columns)s cột. Hãy xóa các ô thừa ở xa "
            "vùng dữ liệu hoặc chia nhỏ tệp. Không có dữ liệu nào được ghi."
        ) % {
            "sheet": f"“{sheet}”" if sheet else "",
            "rows": _number(p["rows"]),
            "columns": _number(p["columns"]),
            "max_rows": _number(p["max_rows"]),
            "max_columns": _number(p["max_columns"]),
        }
    if code == "inflated":
        return _(
            "Tệp Excel khi giải nén quá lớn (%(size)s MB); hãy chia nhỏ tệp. Không có dữ liệu "
            "nào được ghi."
        ) % {"size": _number(p["size_mb"])}
    if code == "bomb":
        return _(
            "Tệp Excel được nén bất thường (có thể là tệp độc hại), không đọc được. Không có "
            "dữ liệu nào được ghi."
        )
    if code == "dtd":
        return _(
            "Tệp Excel chứa khai báo DTD hoặc thực thể XML, điều mà tệp Excel thật không có "
            "(có thể là tệp độc hại), không đọc được. Không có dữ liệu nào được ghi."
        )
    if code == "too_many_parts":
        return _("Tệp Excel có cấu trúc bất thường (quá nhiều thành phần), không đọc được.")
    return _("Tệp Excel bị hỏng, không đọc được.")


def _sheet_of_part(path, part: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            return next((n for n, p in _sheet_parts(archive).items() if p == part), "")
    except Exception:  # only a nicer message; the part name is enough
        return ""


def _sandbox_message(error: SandboxError, seconds: float) -> str:
    if error.reason == "time":
        return _(
            "Đọc tệp Excel quá %(seconds)s giây nên đã dừng. Hãy chia nhỏ tệp. Không có dữ liệu "
            "nào được ghi."
        ) % {"seconds": _number(round(seconds))}
    if error.reason == "memory":
        return _(
            "Tệp Excel cần quá nhiều bộ nhớ để đọc (vượt giới hạn an toàn). Hãy xóa các ô thừa "
            "ở xa vùng dữ liệu hoặc chia nhỏ tệp. Không có dữ liệu nào được ghi."
        )
    return _("Tệp Excel bị hỏng, không đọc được.")


def workbook_limits(*, max_rows: int = MAX_ROWS) -> Limits:
    """The bounds of an upload: `max_rows` data rows (+ the header), the rest from settings."""
    return Limits(
        rows=max_rows + 1,
        columns=settings.WORKBOOK_MAX_COLUMNS,
        cells=settings.WORKBOOK_MAX_CELLS,
        uncompressed=settings.WORKBOOK_MAX_UNCOMPRESSED_BYTES,
    )


def run_reader(func, *args, **kwargs):
    """Any reading of an untrusted workbook, in the limited child (WorkbookError on its death)."""
    seconds = settings.WORKBOOK_READ_SECONDS
    try:
        return run_bounded(
            func, *args, memory_mb=settings.WORKBOOK_READ_MEMORY_MB, seconds=seconds, **kwargs
        )
    except SandboxError as exc:
        raise WorkbookError(_sandbox_message(exc, seconds)) from exc


def workbook_bounds_ensure(path: str | Path, limits: Limits) -> None:
    """WorkbookError (the user's message) when the workbook is outside `limits`."""
    try:
        workbook_bounds_check(path, limits)
    except Refusal as exc:
        raise WorkbookError(refusal_message(exc, path)) from None


def read_workbook(
    path: str | Path, sheet_names: tuple[str, ...], *, max_rows: int = MAX_ROWS
) -> Workbook:
    """Read the named sheets (those present): bounds first, then calamine, in the limited
    child process. WorkbookError with the user's message for anything unreadable."""
    check_workbook_file(path)
    return run_reader(_read_bounded, str(path), tuple(sheet_names), max_rows)


def _read_bounded(path: str, sheet_names: tuple[str, ...], max_rows: int) -> Workbook:
    workbook_bounds_ensure(path, workbook_limits(max_rows=max_rows))
    return _read_calamine(path, sheet_names, max_rows)


def _read_calamine(path: str | Path, sheet_names: tuple[str, ...], max_rows: int) -> Workbook:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as exc:
        raise WorkbookError(_("Tệp được bảo vệ bằng mật khẩu. Hãy bỏ mật khẩu.")) from exc
    except Exception as exc:  # calamine raises several types for broken zip/xml
        raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from exc
    present = {name.strip().upper(): name for name in book.sheet_names}
    wanted_present = {present[w]: w for w in sheet_names if w in present}
    # The formula scan (zlib + a byte search) runs beside calamine, which parses without
    # holding the interpreter lock: it costs no wall time.
    formulas: list = []
    scan = threading.Thread(
        target=lambda: formulas.extend(find_formula_cells(path, wanted_present)),
        name="xlsx-formula-scan",
    )
    scan.start()
    sheets: dict[str, Sheet] = {}
    try:
        for real, wanted in wanted_present.items():
            sheets[wanted] = _read_sheet(book.get_sheet_by_name(real), wanted, max_rows)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from exc
    finally:
        scan.join()
    return Workbook(sheets=sheets, formula_cells=formulas)


def _read_sheet(raw, name: str, max_rows: int = MAX_ROWS) -> Sheet:
    rows = _rows(raw)
    header_values: list = []
    for _number, values in rows:
        if not all(_is_blank(v) for v in values):
            header_values = values
            break
    header = ["" if _is_blank(v) else str(v).strip() for v in header_values]
    while header and not header[-1]:
        header.pop()
    merged = False
    for (r0, _c0), (_r1, _c1) in raw.merged_cell_ranges or ():
        if r0 == 0:
            merged = True
    sheet = Sheet(name=name, header=header, header_merged=merged)
    width = len(header)
    for number, values in rows:
        values = values[:width]
        if all(_is_blank(v) for v in values):
            continue
        if len(values) < width:
            values = values + [""] * (width - len(values))
        sheet.rows.append((number, values))
        if len(sheet.rows) > max_rows:
            raise WorkbookError(
                _("Trang %(sheet)s có hơn %(max)s dòng; hãy chia nhỏ tệp.")
                % {"sheet": name, "max": _number(max_rows)}
            )
    return sheet


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the part holding its XML (via workbook.xml and its relationships)."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = dict(re.findall(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {
        rid: target
        for target, rid in re.findall(
            r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels
        )
    }
    parts = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            target = targets[rid.group(1)].lstrip("/")
            parts[_unescape(name.group(1))] = target if target.startswith("xl/") else f"xl/{target}"
    return parts


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def find_formula_cells(
    path: str | Path, real_to_wanted: dict[str, str], limit: int = 50
) -> list[tuple[str, str, int, int]]:
    """Cells holding formulas, found by streaming the sheet XML (a cheap byte scan first)."""
    found: list[tuple[str, str, int, int]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            for real, wanted in real_to_wanted.items():
                part = parts.get(real)
                if part is None or not _has_formula(archive, part):
                    continue
                with archive.open(part) as stream:
                    for ref in _formula_refs(stream):
                        match = _CELL_REF.fullmatch(ref)
                        if match:
                            found.append((wanted, ref, int(match[2]), _column_number(match[1])))
                        if len(found) >= limit:
                            return found
    except (KeyError, zipfile.BadZipFile, OSError):
        return found
    return found


# Byte strings every formula element contains ("<f>", "<f t=...>", "<x:f>", ...); a plain
# substring search is many times faster than the regular expression, which then confirms.
_FORMULA_HINTS = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/")


def _has_formula(archive: zipfile.ZipFile, part: str) -> bool:
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            if any(hint in data for hint in _FORMULA_HINTS) and _FORMULA_TAG.search(data):
                return True
            tail = chunk[-16:]
    return False


def _formula_refs(stream) -> Iterator[str]:
    ref = ""
    # ElementTree never fetches external entities and expat >= 2.4 caps entity expansion.
    for event, element in iterparse(stream, events=("start", "end")):  # noqa: S314
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "c":
            ref = element.get("r", "")
        elif event == "end" and tag == "f":
            yield ref
        elif event == "end" and tag == "c":
            element.clear()


def annotate_workbook(source: str | Path, target: str | Path, errors: list[dict]) -> None:
    """The uploaded workbook with its errors marked (writer.annotate_errors, which loads the
    whole file with openpyxl), in the limited child and within the same bounds."""
    run_reader(_annotate_bounded, str(source), str(target), errors)


def _annotate_bounded(source: str, target: str, errors: list[dict]) -> None:
    from .writer import annotate_errors

    workbook_bounds_ensure(source, workbook_limits())
    annotate_errors(source, target, errors)
