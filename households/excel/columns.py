"""The published workbook format: sheets, column titles, coded values.

Headers are matched by title with case, spacing and diacritics ignored (rules.normalize_text),
in any order. The same definitions drive the template, the reader, the export and the
annotated error workbook, so export -> edit -> re-import is a round trip.
"""

from __future__ import annotations

from households.models import Member
from households.models.reviews import INDICATOR_FIELDS
from households.rules import normalize_text
from households.workbook import Column

HOUSEHOLD_SHEET = "HO"
MEMBER_SHEET = "NHAN_KHAU"
INSTRUCTIONS_SHEET = "HUONG_DAN"

INDICATOR_TITLES = (
    "CS01 Việc làm",
    "CS02 Người phụ thuộc",
    "CS03 Dinh dưỡng",
    "CS04 Bảo hiểm y tế",
    "CS05 Trình độ giáo dục người lớn",
    "CS06 Tình trạng đi học trẻ em",
    "CS07 Chất lượng nhà ở",
    "CS08 Diện tích nhà ở",
    "CS09 Nguồn nước sinh hoạt",
    "CS10 Nhà tiêu hợp vệ sinh",
    "CS11 Dịch vụ viễn thông",
    "CS12 Phương tiện tiếp cận thông tin",
)


HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hộ", "code", width=16),
    Column("commune", "Mã xã", "code", width=9),
    Column("hamlet", "Thôn/ấp", "text", required=False, width=18),
    Column("head_name", "Họ tên chủ hộ", "text", width=24),
    Column("head_citizen_id", "CCCD chủ hộ", "code", required=False, width=15),
    Column("declared_size", "Số nhân khẩu", "integer", width=10),
    Column("income", "Thu nhập bình quân (đồng/người/tháng)", "integer", required=False, width=16),
    *(
        Column(field, title, "indicator", required=False, width=10)
        for field, title in zip(INDICATOR_FIELDS, INDICATOR_TITLES, strict=True)
    ),
    Column("is_meritorious", "Người có công", "flag", required=False, width=10),
    Column("is_ethnic_minority", "Dân tộc thiểu số", "flag", required=False, width=10),
    Column("no_labour_capacity", "Không có khả năng lao động", "flag", required=False, width=12),
    Column("wants_loan", "Nhu cầu vay vốn", "flag", required=False, width=10),
)
# The indicator columns are required as columns (not as cells: a row with no income and no
# indicator is a household without a review of the year, as the export writes it).
REQUIRED_HOUSEHOLD_KEYS = frozenset(
    {"code", "commune", "head_name", "declared_size", "income"} | set(INDICATOR_FIELDS)
)

EXPORT_EXTRA_TITLES = ("Số chỉ số thiếu hụt", "Phân loại")

SEX_CHOICES = {"Nam": Member.Sex.MALE, "Nữ": Member.Sex.FEMALE}
RELATIONSHIP_CHOICES = {str(label): value for value, label in Member.Relationship.choices}
SCHOOL_CHOICES = {str(label): value for value, label in Member.SchoolLevel.choices}
EDUCATION_CHOICES = {str(label): value for value, label in Member.Education.choices}
WORK_CHOICES = {str(label): value for value, label in Member.WorkStatus.choices}

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã hộ", "code", width=16),
    Column("full_name", "Họ tên", "text", width=24),
    Column("date_of_birth", "Ngày sinh", "date", width=12),
    Column("sex", "Giới tính", "choice", width=8),
    Column("relationship", "Quan hệ với chủ hộ", "choice", width=16),
    Column("citizen_id", "CCCD", "code", required=False, width=15),
    Column("has_health_insurance", "Có thẻ BHYT", "flag", required=False, width=9),
    Column("school_level", "Đang đi học", "choice", required=False, width=20),
    Column("education", "Trình độ học vấn", "choice", required=False, width=24),
    Column("work_status", "Tình trạng việc làm", "choice", required=False, width=30),
)
REQUIRED_MEMBER_KEYS = frozenset({"code", "full_name", "date_of_birth", "sex", "relationship"})

MEMBER_CHOICE_LISTS = {
    "sex": SEX_CHOICES,
    "relationship": RELATIONSHIP_CHOICES,
    "school_level": SCHOOL_CHOICES,
    "education": EDUCATION_CHOICES,
    "work_status": WORK_CHOICES,
}


def choice_lookup(key: str) -> dict[str, str]:
    """Normalised label -> stored value, for tolerant matching of typed choices."""
    return {normalize_text(label): value for label, value in MEMBER_CHOICE_LISTS[key].items()}


def label_for(key: str, value: str) -> str:
    for label, stored in MEMBER_CHOICE_LISTS[key].items():
        if stored == value:
            return label
    return ""
