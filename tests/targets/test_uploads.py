"""households.workbook (uploads): the type is read from the content, the size is bounded, empty refused."""

import pytest

from households.workbook import detect_upload_type, store_private_file, validate_upload

from .conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, plain_zip_bytes, upload


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("bao-cao.pdf", PDF_BYTES, "pdf"),
        ("anh.png", PNG_BYTES, "png"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "jpg"),
        ("bien-ban.docx", docx_bytes(), "docx"),
        ("ten-sai.pdf", PNG_BYTES, "png"),  # the content decides, not the name
    ],
)
def test_accepted_types(name, content, extension):
    f = upload(name, content)
    assert validate_upload(f) is None
    assert detect_upload_type(f).extension == extension


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", EXE_BYTES, "Loại tệp không được chấp nhận"),
        ("archive.docx", plain_zip_bytes(), "Loại tệp không được chấp nhận"),
        ("ghi-chu.pdf", b"just some text, no magic", "Loại tệp không được chấp nhận"),
        ("rong.pdf", b"", "Tệp rỗng"),
    ],
)
def test_refused(name, content, message):
    assert message in validate_upload(upload(name, content))


def test_over_the_size_limit(settings):
    settings.PRIVATE_UPLOAD_MAX_BYTES = 1024
    big = upload("lon.pdf", PDF_BYTES + b"0" * 2000)
    assert "Tệp quá lớn" in validate_upload(big)


def test_store_private_file_uses_a_random_name_under_media_root(private_media):
    relative = store_private_file(upload("Báo cáo.pdf", PDF_BYTES), "targets/evidence/1")
    assert relative.startswith("targets/evidence/1/")
    assert relative.endswith(".pdf")
    assert "Báo cáo" not in relative
    assert (private_media / relative).read_bytes() == PDF_BYTES
