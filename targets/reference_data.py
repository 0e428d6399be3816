"""The 2023 plan of Sở LĐ-TB&XH Bến Tre and its targets (reference data), and demo tasks.

Source: Báo Đồng Khởi, 23/03/2023, "Tăng cường sự lãnh đạo của Đảng đối với công tác giảm
nghèo bền vững" (shared/seed). Loading is idempotent: rows are matched on their codes.
Figures the article does not give (workers abroad, trained, placed; district shares of the
poor-rate cut) are plausible placeholders to be corrected in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from households.models import Agency, Area

from . import rules
from .models import Plan, Target, TargetBreakdown, Task

PLAN_CODE = "SLDTBXH-GNBV-2023"
PLAN_YEAR = 2023
PROVINCE_CODE = "83"


@dataclass(frozen=True)
class TargetSeed:
    code: str
    statement: str
    indicator_code: str
    unit: str
    target_value: str
    direction: str = rules.AT_LEAST
    responsible: str = ""


TARGETS = (
    TargetSeed(
        "CT01",
        "Giảm 1% tỷ lệ hộ nghèo theo chuẩn nghèo giai đoạn 2021 - 2025.",
        "poor_rate_change",
        "điểm phần trăm",
        "1",
        rules.REDUCTION_BY,
        "SLDTBXH",
    ),
    TargetSeed(
        "CT02",
        "Hỗ trợ 100% hộ nghèo thuộc chính sách ưu đãi người có công có điều kiện phát triển "
        "sinh kế, có mức sống bằng hoặc cao hơn mức sống người dân trên địa bàn.",
        "meritorious_poor_supported",
        "%",
        "100",
        responsible="SLDTBXH",
    ),
    TargetSeed(
        "CT03",
        "100% hộ nghèo, hộ cận nghèo đủ điều kiện vay và có nhu cầu vay vốn được tiếp cận nguồn "
        "vốn tín dụng từ Ngân hàng Chính sách xã hội, được tập huấn về khuyến công - nông - ngư.",
        "credit_coverage",
        "%",
        "100",
        responsible="NHCSXH",
    ),
    TargetSeed(
        "CT04",
        "Phấn đấu 100% hộ nghèo, hộ cận nghèo được cấp thẻ bảo hiểm y tế.",
        "health_insurance_coverage",
        "%",
        "100",
        responsible="SYT",
    ),
    TargetSeed(
        "CT05",
        "Trẻ em thuộc hộ nghèo, hộ cận nghèo được miễn giảm học phí và các khoản đóng góp xây "
        "dựng trường, lớp.",
        "tuition_exemption_coverage",
        "%",
        "100",
        responsible="SGDDT",
    ),
    TargetSeed(
        "CT06",
        "100% cán bộ làm công tác giảm nghèo cấp xã, trưởng ấp, khu phố được tập huấn kiến thức, "
        "kỹ năng cơ bản về quản lý, tổ chức thực hiện các chương trình, chính sách, dự án giảm "
        "nghèo, lập kế hoạch có sự tham gia, xây dựng kế hoạch phát triển cộng đồng.",
        "manual",
        "%",
        "100",
        responsible="SLDTBXH",
    ),
    TargetSeed(
        "CT07",
        "Đưa lao động thuộc hộ nghèo, hộ cận nghèo đi làm việc có thời hạn ở nước ngoài, tham gia "
        "chương trình khởi nghiệp thoát nghèo.",
        "workers_abroad",
        "người",
        "30",
        responsible="SLDTBXH",
    ),
    TargetSeed(
        "CT08",
        "Đào tạo nghề cho nhân khẩu nghèo, cận nghèo có khả năng lao động.",
        "workers_trained",
        "người",
        "500",
        responsible="SLDTBXH",
    ),
    TargetSeed(
        "CT09",
        "Giải quyết việc làm cho nhân khẩu nghèo, cận nghèo có khả năng lao động.",
        "workers_placed",
        "người",
        "400",
        responsible="SLDTBXH",
    ),
)

# Each district's share of the 1-point cut in the poor-household rate (percentage points):
# plausible placeholders, larger where the rate is higher (Ba Tri highest, the city lowest).
POOR_RATE_SHARES = {
    "829": "0.30",  # Thành phố Bến Tre
    "831": "0.70",  # Châu Thành
    "832": "0.80",  # Chợ Lách
    "833": "1.00",  # Mỏ Cày Nam
    "834": "1.00",  # Giồng Trôm
    "835": "1.20",  # Bình Đại
    "836": "1.60",  # Ba Tri
    "837": "1.40",  # Thạnh Phú
    "838": "0.90",  # Mỏ Cày Bắc
}

LEGAL_BASIS = (
    "Chỉ thị số 05-CT/TW của Ban Bí thư; Nghị quyết số 160/NQ-CP của Chính phủ; Kế hoạch số "
    "85-KH/TU của Tỉnh ủy về tăng cường sự lãnh đạo của Đảng đối với công tác giảm nghèo bền "
    "vững đến năm 2030; Kế hoạch số 452/KH-UBND ngày 24/01/2022 của UBND tỉnh."
)


@transaction.atomic
def plan_2023_load() -> str:
    lead = Agency.objects.get(code="SLDTBXH")
    plan, _created = Plan.objects.get_or_create(
        code=PLAN_CODE,
        defaults={
            "title": "Kế hoạch thực hiện công tác giảm nghèo bền vững năm 2023",
            "year": PLAN_YEAR,
            "issuing_agency": lead,
            "implements": "Kế hoạch số 452/KH-UBND ngày 24/01/2022 của UBND tỉnh Bến Tre",
            "legal_basis": LEGAL_BASIS,
        },
    )
    agencies = {a.code: a for a in Agency.objects.all()}
    created = 0
    for order, seed in enumerate(TARGETS, start=1):
        _target, was_created = Target.objects.get_or_create(
            plan=plan,
            code=seed.code,
            defaults={
                "order": order,
                "statement": seed.statement,
                "indicator_code": seed.indicator_code,
                "unit": seed.unit,
                "target_value": Decimal(seed.target_value),
                "direction": seed.direction,
                "deadline": date(PLAN_YEAR, 12, 31),
                "responsible_agency": agencies.get(seed.responsible),
            },
        )
        created += was_created
    poor_rate = Target.objects.get(plan=plan, code="CT01")
    areas = {a.code: a for a in Area.objects.filter(code__in=[PROVINCE_CODE, *POOR_RATE_SHARES])}
    shares = {PROVINCE_CODE: "1.00", **POOR_RATE_SHARES}
    for code, value in shares.items():
        if code in areas:
            _obj, was_created = TargetBreakdown.objects.get_or_create(
                target=poor_rate,
                area=areas[code],
                year=PLAN_YEAR,
                defaults={"value": Decimal(value)},
            )
            created += was_created
    return f"kế hoạch {PLAN_CODE}: {created} mới"


@dataclass(frozen=True)
class TaskSeed:
    code: str
    title: str
    lead: str
    due: date
    targets: tuple[str, ...] = ()
    supporting: tuple[str, ...] = ()
    updates: tuple[tuple[str, int, str], ...] = ()
    recurrence: str = ""


D = date
TASKS = (
    TaskSeed(
        "NV01",
        "Cấp thẻ BHYT cho 100% hộ nghèo, cận nghèo",
        "SYT",
        D(2023, 12, 15),
        ("CT04",),
        ("BHXH", "SLDTBXH"),
        (
            ("in_progress", 40, "Đã rà soát danh sách hộ nghèo, cận nghèo với BHXH tỉnh."),
            ("in_progress", 75, "Đã cấp thẻ cho 75% số người thuộc hộ nghèo, cận nghèo."),
        ),
    ),
    TaskSeed(
        "NV02",
        "Rà soát, cấp thẻ BHYT còn hạn cho thành viên hộ cận nghèo",
        "BHXH",
        D(2023, 11, 30),
        ("CT04",),
        ("SYT",),
        (("done", 100, "Đã cấp đủ thẻ cho các hộ trong danh sách."),),
    ),
    TaskSeed(
        "NV03",
        "Miễn, giảm học phí và các khoản đóng góp cho học sinh thuộc hộ nghèo, cận nghèo",
        "SGDDT",
        D(2023, 10, 31),
        ("CT05",),
        ("STC",),
        (("in_progress", 60, "Đã triển khai tại 6/9 huyện, thành phố."),),
    ),
    TaskSeed(
        "NV04",
        "Giải ngân vốn vay ưu đãi cho hộ nghèo, cận nghèo có nhu cầu",
        "NHCSXH",
        D(2023, 12, 31),
        ("CT03",),
        ("SLDTBXH",),
        (("done", 100, "Đã giải ngân cho 100% hộ đủ điều kiện có nhu cầu."),),
    ),
    TaskSeed(
        "NV05",
        "Tập huấn khuyến nông, khuyến ngư cho hộ nghèo, cận nghèo",
        "SNNPTNT",
        D(2023, 9, 30),
        ("CT03",),
    ),
    TaskSeed(
        "NV06",
        "Tập huấn khuyến công, hỗ trợ tiêu thụ sản phẩm của hộ nghèo",
        "SCT",
        D(2023, 9, 30),
        ("CT03",),
        (),
        (("blocked", 20, "Chưa được bố trí kinh phí khuyến công địa phương."),),
    ),
    TaskSeed(
        "NV07",
        "Bố trí vốn đầu tư hạ tầng các xã đặc biệt khó khăn vùng bãi ngang, ven biển",
        "SKHDT",
        D(2023, 6, 30),
        (),
        ("STC",),
        (("done", 100, "Đã phân bổ vốn theo quyết định của UBND tỉnh."),),
    ),
    TaskSeed(
        "NV08",
        "Cấp kinh phí thực hiện các dự án của chương trình mục tiêu quốc gia giảm nghèo",
        "STC",
        D(2023, 5, 31),
        (),
        ("SKHDT",),
        (("done", 100, "Đã cấp kinh phí đợt 1 và đợt 2."),),
    ),
    TaskSeed(
        "NV09",
        "Hỗ trợ nhà ở cho hộ nghèo có khó khăn về nhà ở",
        "SXD",
        D(2023, 12, 31),
        (),
        (),
        (("in_progress", 50, "Đã khảo sát nhu cầu tại các huyện."),),
    ),
    TaskSeed(
        "NV10",
        "Truyền thông về giảm nghèo bền vững, giảm nghèo về thông tin",
        "STTTT",
        D(2023, 12, 31),
    ),
    TaskSeed(
        "NV11",
        "Trợ giúp pháp lý miễn phí cho người nghèo",
        "STP",
        D(2023, 12, 31),
        (),
        (),
        (("in_progress", 30, ""),),
    ),
    TaskSeed(
        "NV12",
        "Tập huấn cán bộ giảm nghèo cấp xã, trưởng ấp, khu phố",
        "SLDTBXH",
        D(2023, 8, 31),
        ("CT06",),
        (),
        (("done", 100, "Đã tổ chức 9 lớp tập huấn."),),
    ),
    TaskSeed(
        "NV13",
        "Báo cáo kết quả rà soát thường xuyên hộ nghèo (ngày 5 hằng tháng)",
        "UBND-836",
        D(2023, 2, 5),
        ("CT01",),
        (),
        (),
        rules.MONTHLY,
    ),
    TaskSeed(
        "NV14",
        "Hỗ trợ sinh kế cho hộ nghèo người có công huyện Thạnh Phú",
        "UBND-837",
        D(2023, 11, 30),
        ("CT02", "CT01"),
        ("SLDTBXH",),
        (("in_progress", 65, "Đã hỗ trợ con giống cho 40 hộ."),),
    ),
    TaskSeed(
        "NV15",
        "Đưa lao động thuộc hộ nghèo, cận nghèo đi làm việc ở nước ngoài",
        "SLDTBXH",
        D(2023, 12, 31),
        ("CT07", "CT08", "CT09"),
        ("NHCSXH",),
        (("in_progress", 45, "Đã tư vấn cho 120 lao động, 14 người đã xuất cảnh."),),
    ),
)


def demo_tasks_load() -> str:
    from .services import task_create, task_update_create

    plan = Plan.objects.filter(code=PLAN_CODE).first()
    if plan is None:
        plan_2023_load()
        plan = Plan.objects.get(code=PLAN_CODE)
    agencies = {a.code: a for a in Agency.objects.all()}
    targets = {t.code: t for t in plan.targets.all()}
    users = {
        u.profile.agency_id: u
        for u in get_user_model()
        .objects.filter(profile__agency__isnull=False)
        .select_related("profile")
        .order_by("-username")
    }
    created = 0
    for seed in TASKS:
        if seed.lead not in agencies or Task.objects.filter(plan=plan, code=seed.code).exists():
            continue
        lead = agencies[seed.lead]
        task = task_create(
            plan=plan,
            code=seed.code,
            title=seed.title,
            lead_agency=lead,
            due_date=seed.due,
            supporting_agencies=[agencies[c] for c in seed.supporting if c in agencies],
            targets=[targets[c] for c in seed.targets if c in targets],
            recurrence=seed.recurrence,
            recurrence_until=date(PLAN_YEAR, 9, 5) if seed.recurrence else None,
        )
        for status, percent, note in seed.updates:
            task_update_create(
                task=task,
                user=users.get(lead.pk),
                agency=lead,
                status=status,
                percent=percent,
                note=note,
            )
        created += 1
    return f"{created} nhiệm vụ mới"
