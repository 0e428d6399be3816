"""Papers: each a printable page and a PDF whose text is checked (pypdf), Vietnamese intact."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from households import services
from households.models import Area, Household, HouseholdReview, Member, PaperJob
from households.papers import pdf as pdf_layer
from households.rules import HouseholdFacts
from tests.conftest import login

pytestmark = pytest.mark.django_db
YEAR = 2023


OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "papers"


def keep(name: str, content: bytes) -> None:
    """Each paper's PDF, and its first page as PNG where poppler is installed, kept in the test
    output for a person to look at."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.pdf"
    path.write_bytes(content)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(  # noqa: S603
            [pdftoppm, "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
             str(OUTPUT / name)],
            check=False, timeout=60,
        )  # fmt: skip


def pdf_text(content: bytes) -> str:
    """The PDF's text, normalised (NFC) with runs of white space as one space (table cells wrap)."""
    reader = PdfReader(io.BytesIO(content))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    return " ".join(text.split())


def pdf_fonts(content: bytes) -> set[str]:
    """The fonts the PDF uses, each checked to be embedded (a font file in the PDF)."""
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def hamlet_make(code: str = "29173-01", name: str = "Ấp Thạnh Hòa") -> Area:
    return Area.objects.create(
        code=code,
        name=name,
        level=Area.Level.HAMLET,
        kind=Area.Kind.HAMLET,
        parent=Area.objects.get(code="29173"),
    )


def reviewed(
    code: str, head: str, *, hamlet: Area, user, income: int = 1_200_000, poor: bool = True
) -> HouseholdReview:
    household = Household.objects.create(
        code=code, commune=hamlet.parent, hamlet=hamlet, head_name=head, address="Số 5"
    )
    Member.objects.create(
        household=household, full_name=head, sex="F", date_of_birth=date(1970, 3, 4),
        relationship="head",
    )  # fmt: skip
    Member.objects.create(
        household=household, full_name=f"{head.split()[0]} Văn Thủy", sex="M",
        date_of_birth=date(2001, 5, 6), relationship="child",
    )  # fmt: skip
    data = services.ReviewInput(
        income_per_capita=income,
        facts=HouseholdFacts(),
        ticks=dict.fromkeys(range(7, 13), poor),
    )
    review = services.review_save(household=household, year=YEAR, data=data, user=user)
    return services.review_submit(review=review, user=user)


def approve(review: HouseholdReview, user) -> HouseholdReview:
    return services.review_approve(review=review, user=user)


def test_the_pdf_layer_embeds_its_font_and_keeps_every_vietnamese_glyph(settings):
    html = (
        "<p style='font-family: \"Paper Serif\"'>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
        "Nguyễn Thị Thủy ỹ ự ữ ẫ ặ ậ ằ Đức</p>"
        f"<style>@font-face {{font-family: 'Paper Serif'; src: url('{pdf_layer.font_url('Regular')}')}}</style>"
    )
    content = pdf_layer.html_to_pdf(html)
    assert content.startswith(b"%PDF")
    assert "Nguyễn Thị Thủy ỹ ự ữ ẫ ặ ậ ằ Đức" in pdf_text(content)
    assert pdf_fonts(content) == {"Paper-Serif"}


def test_the_pdf_layer_never_reaches_the_network():
    with pytest.raises(pdf_layer.PaperFetchRefused):
        pdf_layer.url_fetcher().fetch("http://example.com/x.css")
    with pytest.raises(pdf_layer.PaperFetchRefused):
        pdf_layer.url_fetcher().fetch("file:///usr/share/fonts/../../../etc/passwd")
    # A paper whose data holds an address renders, the address unfetched.
    content = pdf_layer.html_to_pdf("<img src='http://127.0.0.1:9/x.png'><p>An Đức</p>")
    assert "An Đức" in pdf_text(content)


def test_household_certificate_page_and_pdf(client, alice, bob):
    hamlet = hamlet_make()
    review = approve(reviewed("BT-C-1", "Trần Thị Hồng Nhung", hamlet=hamlet, user=alice), bob)
    assert review.classification == "poor"
    login(client, alice)
    url = reverse("households:paper-certificate", args=[review.household_id, YEAR])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body
    assert "Giấy chứng nhận hộ nghèo" in body
    assert "UBND XÃ AN ĐỨC" in body
    response = client.get(
        reverse("households:paper-certificate-pdf", args=[review.household_id, YEAR])
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ AN ĐỨC",
        "GIẤY CHỨNG NHẬN HỘ NGHÈO",
        "Trần Thị Hồng Nhung",
        "Trần Văn Thủy",
        "Ấp Thạnh Hòa",
        "Số nhân khẩu: 2 người",
        "31/12/2024",
    ):
        assert expected in text, expected
    assert pdf_fonts(response.content) <= {"Paper-Serif", "Paper-Serif-Bold", "Paper-Serif-Italic"}


def test_no_certificate_for_a_review_not_yet_approved_nor_for_an_outsider(client, alice, charlie):
    review = reviewed("BT-C-2", "Lê Văn Tám", hamlet=hamlet_make(), user=alice)
    url = reverse("households:paper-certificate", args=[review.household_id, YEAR])
    assert login(client, alice).get(url).status_code == 404  # submitted, not approved
    assert login(client, charlie).get(url).status_code == 404


def test_a_communes_certificates_come_as_one_pdf_one_page_each(client, alice, bob, settings):
    settings.PAPER_CHUNK = 2  # three passes appended
    hamlet = hamlet_make()
    names = ["Nguyễn Thị Ánh", "Phạm Văn Bảy", "Huỳnh Thị Cúc", "Võ Văn Dũng", "Đặng Thị Én"]
    for n, name in enumerate(names):
        approve(reviewed(f"BT-M-{n}", name, hamlet=hamlet, user=alice), bob)
    approve(reviewed("BT-M-X", "Hồ Văn Khá", hamlet=hamlet, user=alice, income=9_000_000), bob)
    response = login(client, alice).get(
        reverse("households:paper-area-certificates", args=["29173", YEAR])
    )
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 5
    texts = [unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages]
    for name, text in zip(sorted(names), texts, strict=True):
        assert name in text
    assert "Hồ Văn Khá" not in "".join(texts)


def test_posting_list_of_a_hamlet_counts_poor_and_near_poor(client, alice):
    hamlet = hamlet_make()
    reviewed("BT-P-1", "Nguyễn Văn Hùng", hamlet=hamlet, user=alice)
    reviewed("BT-P-2", "Trương Thị Mỹ", hamlet=hamlet, user=alice)
    reviewed("BT-P-3", "Lâm Văn Giàu", hamlet=hamlet, user=alice, income=9_000_000)
    login(client, alice)
    response = client.get(reverse("households:paper-posting-pdf", args=[hamlet.code, YEAR]))
    text = pdf_text(response.content)
    assert "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO (DỰ KIẾN) NĂM 2023" in text
    assert "Nguyễn Văn Hùng" in text
    assert "Trương Thị Mỹ" in text
    assert "Lâm Văn Giàu" not in text
    assert "Tổng cộng: 2 hộ nghèo, 0 hộ cận nghèo (4 nhân khẩu)" in text
    assert (
        client.get(reverse("households:paper-posting", args=[hamlet.code, YEAR])).status_code == 200
    )


def test_hundreds_of_certificates_are_a_background_job_with_progress(
    client, alice, bob, settings, django_capture_on_commit_callbacks
):
    """Celery runs eagerly in the test settings: the job is done once the request returns."""
    settings.PAPER_DIRECT_MAX = 2
    settings.PAPER_CHUNK = 2
    hamlet = hamlet_make()
    names = ["Lê Thị Một", "Lê Văn Hai", "Lê Thị Ba", "Lê Văn Bốn", "Lê Thị Năm"]
    for n, name in enumerate(names):
        approve(reviewed(f"BT-J-{n}", name, hamlet=hamlet, user=alice), bob)
    login(client, alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("households:paper-area-certificates", args=["29173", YEAR]))
    assert response.status_code == 302
    job = PaperJob.objects.get()
    assert response["Location"] == reverse("households:paper-job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_written, job.pages) == ("done", 5, 5, 5)
    page = client.get(response["Location"]).content.decode()
    assert "5 hộ, 5 trang" in page
    assert (
        client.get(reverse("households:paper-job-status", args=[job.pk])).json()["rows_written"]
        == 5
    )
    download = client.get(reverse("households:paper-job-download", args=[job.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    for name in names:
        assert name in text
    # Somebody else's job: not found.
    assert login(client, bob).get(response["Location"]).status_code == 404


def test_a_paper_job_left_running_is_swept_failed(alice, area):
    from datetime import timedelta

    from django.utils import timezone

    from households.jobs import jobs_stale_sweep

    old = timezone.now() - timedelta(days=2)
    stale = PaperJob.objects.create(
        user=alice, area=area("29173"), year=YEAR, status="rendering", started_at=old
    )
    fresh = PaperJob.objects.create(
        user=alice, area=area("29173"), year=YEAR, status="rendering", started_at=timezone.now()
    )
    assert jobs_stale_sweep()["papers"] == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("failed", "rendering")
    assert "Không có dữ liệu nào bị ghi dở" in stale.error
