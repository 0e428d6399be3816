"""The workbook layer every app's import and export uses (households, programs, targets, reports).

Import from here only (`from households.workbook import read_workbook, ColumnMap, ...`): reading
an uploaded .xlsx refused by content and read within bounds in a limited child process
(reader, bounds, sandbox: any reading of an upload goes through read_workbook or run_reader), describing and matching a sheet's columns
(columns), issues with sheet/row/column (issues), single cells (cells), neutralising formula
injection and annotating an error workbook (writer), and private uploads checked by content
(uploads). Nothing here knows households' own columns: those are in households.excel.
"""

from .cells import cell_text, parse_citizen_id
from .columns import Column, ColumnMap, normalize
from .issues import Issue, book_issues
from .reader import (
    Sheet,
    Workbook,
    WorkbookError,
    annotate_workbook,
    check_workbook_file,
    read_workbook,
    run_reader,
)
from .uploads import (
    detect_upload_type,
    mime_of,
    private_path,
    store_private_file,
    validate_upload,
)
from .writer import annotate_errors, neutralise

__all__ = [
    "Column",
    "ColumnMap",
    "Issue",
    "Sheet",
    "Workbook",
    "WorkbookError",
    "annotate_errors",
    "annotate_workbook",
    "book_issues",
    "cell_text",
    "check_workbook_file",
    "detect_upload_type",
    "mime_of",
    "neutralise",
    "normalize",
    "parse_citizen_id",
    "private_path",
    "read_workbook",
    "run_reader",
    "store_private_file",
    "validate_upload",
]
