"""The hostile-workbook corpus (issue 16), built in the test run: no file is checked in.

Each builder returns the bytes of a file as an attacker would post it. The workbooks are
written part by part (not with openpyxl, which would refuse to make most of them).
"""

from __future__ import annotations

import zipfile
from io import BytesIO

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _book(sheet_name: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {NS} {R_NS}>'
        f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _zip(sheet_name: str, sheet_xml: str | None = None, *, write_sheet=None, prolog="") -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml", prolog + _book(sheet_name) if prolog else _book(sheet_name)
        )
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        if write_sheet is not None:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
                write_sheet(stream)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml or "")
    return out.getvalue()


def _sheet(cells: str, dimension: str | None = None, head: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{head}'
        f"<worksheet {NS}>{dim}<sheetData>{cells}</sheetData></worksheet>"
    )


def sparse_range(sheet_name: str, *, declared: bool = True) -> bytes:
    """One cell at A1 and one at XFD1048576: 1.7 KB that a reader would grow to 512 GiB."""
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã hộ</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    return _zip(sheet_name, _sheet(cells, "A1:XFD1048576" if declared else None))


def zip_bomb(sheet_name: str, inflated_mb: int = 64) -> bytes:
    """A sheet that inflates a thousandfold (blank padding inside the sheet data)."""

    def write(stream) -> None:
        stream.write(_sheet("", "A1")[: -len("</sheetData></worksheet>")].encode())
        block = b" " * (1 << 20)
        for _i in range(inflated_mb):
            stream.write(block)
        stream.write(b"</sheetData></worksheet>")

    return _zip(sheet_name, write_sheet=write)


def entity_expansion(sheet_name: str) -> bytes:
    """The "billion laughs": ten levels of ten entities each."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    head = f"<!DOCTYPE worksheet [{entities}]>"
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return _zip(sheet_name, _sheet(cells, "A1", head=head))


def external_entity(sheet_name: str) -> bytes:
    """An entity naming a file of the server (XXE)."""
    head = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return _zip(sheet_name, _sheet(cells, "A1", head=head))


def million_rows(sheet_name: str, rows: int = 1_048_576) -> bytes:
    """Every row of a sheet filled (the header, then a number in column A of each row)."""

    def write(stream) -> None:
        stream.write(_sheet("", f"A1:A{rows}")[: -len("</sheetData></worksheet>")].encode())
        stream.write(
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>M\xc3\xa3 h\xe1\xbb\x99</t></is></c></row>'
        )
        batch = []
        for n in range(2, rows + 1):
            batch.append(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>')
            if len(batch) == 50_000:
                stream.write("".join(batch).encode())
                batch = []
        stream.write("".join(batch).encode())
        stream.write(b"</sheetData></worksheet>")

    return _zip(sheet_name, write_sheet=write)


def renamed_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def truncated(valid: bytes) -> bytes:
    """The first half of a real workbook (an upload cut off)."""
    return valid[: len(valid) // 2]


def corpus(sheet_name: str, valid: bytes) -> dict[str, bytes]:
    return {
        "sparse-range": sparse_range(sheet_name),
        "sparse-used-range": sparse_range(sheet_name, declared=False),
        "zip-bomb": zip_bomb(sheet_name),
        "entity-expansion": entity_expansion(sheet_name),
        "external-entity": external_entity(sheet_name),
        "million-rows": million_rows(sheet_name),
        "renamed-pdf": renamed_pdf(),
        "truncated": truncated(valid),
    }
