"""Issue 13's property: over a few thousand generated households (member facts random at the
age, date and area boundaries, some unknown; ticks random, some with a reason), the stored
class always equals the class from the facts unless an explicit, recorded override exists;
and the same households give the same classes through the rules, the import and the form."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.urls import reverse

from households import rules
from households.excel import services
from households.excel.columns import label_for
from households.models import Area, Household, HouseholdReview
from tests.conftest import login
from tests.households.test_excel_support import MEMBER_TITLES, TITLES, build_workbook

pytestmark = pytest.mark.django_db

YEAR = 2024
ON = date(YEAR, 9, 1)
LINES = rules.STANDARD_2022_2025
INCOME = "Thu nhập bình quân (đồng/người/tháng)"
HOUSEHOLDS = 3000
THROUGH_THE_FORM = 40
# Ages around every edge the indicators read: 3, 6, 11, 15, 16, 18, 30, 60, working age.
AGES = (2, 3, 5, 6, 10, 11, 14, 15, 16, 17, 18, 30, 31, 40, 55, 59, 60, 61, 75)
INCOMES = (400_000, 1_499_000, 1_500_000, 1_501_000, 2_250_000, 2_251_000, 9_000_000)
SCHOOL = (None, "", "preschool", "primary", "lower_secondary", "upper_secondary", "vocational")
EDUCATION = (None, "none", "primary", "lower_secondary", "upper_secondary", "vocational")
WORK = (
    None,
    "wage_contract",
    "wage_no_contract",
    "self_employed",
    "unemployed",
    "not_in_labour_force",
)
WATER = ("", "tap", "rainwater", "unprotected")
LATRINE = ("", "septic", "unhygienic")


@dataclass
class Case:
    code: str
    income: int
    members: list[rules.MemberFacts]
    facts: rules.HouseholdFacts
    ticks: dict[int, bool | None]
    reasons: dict[int, str] = field(default_factory=dict)

    def evaluation(self, ticks=None) -> rules.Evaluation:
        return rules.evaluate(
            members=self.members,
            facts=self.facts,
            ticks=self.ticks if ticks is None else ticks,
            income_per_capita=self.income,
            is_urban=False,  # Xã An Đức is a rural commune
            lines=LINES,
            on=ON,
            declared_size=len(self.members),
        )

    def facts_only(self) -> rules.Evaluation:
        """The class from the facts: a tick stands only where the facts cannot decide."""
        findings = self.evaluation({})
        ticks = {n: t for n, t in self.ticks.items() if findings.sources[n] == rules.UNKNOWN}
        return self.evaluation(ticks)


def _birth(rng: random.Random, age: int) -> date:
    # On the reference date's birthday, the day after it, or a random day in the year.
    born = date(ON.year - age, ON.month, ON.day)
    return rng.choice((born, born + timedelta(days=1), born - timedelta(days=rng.randrange(365))))


def _maybe(rng: random.Random, value, unknown=0.15):
    return None if rng.random() < unknown else value


def generate(seed: int = 13, count: int = HOUSEHOLDS) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        members = []
        for j in range(rng.randint(1, 5)):
            card = _maybe(rng, rng.random() < 0.7)
            expiry = None
            if card and rng.random() < 0.5:
                expiry = ON + timedelta(days=rng.choice((-1, 0, 1, 200)))
            members.append(
                rules.MemberFacts(
                    full_name=f"Nguyễn Văn H{i} M{j}",
                    date_of_birth=_birth(rng, rng.choice(AGES) if j else rng.choice(AGES[8:])),
                    is_female=rng.random() < 0.5,
                    work_status=rng.choice(WORK),
                    has_health_insurance=card,
                    health_insurance_expiry=expiry,
                    school_level=rng.choice(SCHOOL),
                    education=rng.choice(EDUCATION),
                    has_disability=_maybe(rng, rng.random() < 0.1),
                    receives_social_allowance=_maybe(rng, rng.random() < 0.1),
                    is_malnourished=_maybe(rng, rng.random() < 0.2),
                )
            )
        n = len(members)
        facts = rules.HouseholdFacts(
            nondurable_parts=rng.choice((None, 0, 1, 2, 3)),
            floor_area_m2=rng.choice((None, 8 * n, 8 * n - 1, 40)),
            water_source=rng.choice(WATER),
            latrine=rng.choice(LATRINE),
            uses_internet=rng.choice((None, True, False)),
            has_information_device=rng.choice((None, True, False)),
        )
        ticks = {k: (None if rng.random() < 0.6 else rng.random() < 0.5) for k in rules.INDICATORS}
        reasons = {
            k: f"Lý do {i}-{k}"
            for k in rules.INDICATORS
            if ticks[k] is not None and rng.random() < 0.5
        }
        cases.append(Case(f"P-{i:05d}", rng.choice(INCOMES), members, facts, ticks, reasons))
    return cases


def _tri(value):
    return None if value is None else int(value)


def ho_row(case: Case) -> list:
    f = case.facts
    values = {
        "Mã hộ": case.code,
        "Mã xã": "29173",
        "Họ tên chủ hộ": case.members[0].full_name,
        "Số nhân khẩu": len(case.members),
        INCOME: case.income,
        "Số bộ phận nhà không bền chắc": f.nondurable_parts,
        "Diện tích ở (m²)": f.floor_area_m2,
        "Nguồn nước sinh hoạt": label_for("water_source", f.water_source) if f.water_source else "",
        "Nhà tiêu": label_for("latrine", f.latrine) if f.latrine else "",
        "Có thành viên sử dụng internet": _tri(f.uses_internet),
        "Có TV, radio, máy tính, điện thoại thông minh": _tri(f.has_information_device),
    }
    indicator_titles = [t for t in TITLES if t[:2] == "CS"]
    for k, title in enumerate(indicator_titles, start=1):
        values[title] = _tri(case.ticks[k])
        if k in case.reasons:
            values[f"Lý do điều chỉnh CS{k:02d}"] = case.reasons[k]
    return [values.get(t) for t in TITLES]


def nk_rows(case: Case) -> list[list]:
    rows = []
    for j, m in enumerate(case.members):
        values = {
            "Mã hộ": case.code,
            "Họ tên": m.full_name,
            "Ngày sinh": m.date_of_birth,
            "Giới tính": "Nữ" if m.is_female else "Nam",
            "Quan hệ với chủ hộ": "Chủ hộ" if j == 0 else "Con",
            "Có thẻ BHYT": _tri(m.has_health_insurance),
            "Hạn thẻ BHYT": m.health_insurance_expiry,
            "Đang đi học": label_for("school_level", m.school_level),
            "Trình độ học vấn": label_for("education", m.education),
            "Tình trạng việc làm": label_for("work_status", m.work_status),
            "Khuyết tật": _tri(m.has_disability),
            "Trợ cấp xã hội hằng tháng": _tri(m.receives_social_allowance),
            "Trẻ suy dinh dưỡng": _tri(m.is_malnourished),
        }
        rows.append([values.get(t) for t in MEMBER_TITLES])
    return rows


def assert_stored_matches(review: HouseholdReview, case: Case) -> None:
    expected = case.evaluation()
    assert review.classification == expected.classification, case.code
    assert review.deprivation_flags() == expected.deprived, case.code
    assert {int(k): v for k, v in review.sources.items()} == expected.sources, case.code
    if not review.overrides:
        # No recorded override: the stored class is the class of the facts.
        assert review.classification == case.facts_only().classification, case.code
    assert set(map(int, review.overrides)) == set(expected.conflicts), case.code
    for k, override in review.overrides.items():
        assert override["reason"] == case.reasons[int(k)]
        assert override["by"]
        assert override["at"]
        assert override["deprived"] == case.ticks[int(k)]


def test_generated_households_through_the_rules_and_the_import(tmp_path, alice):
    cases = generate()
    evaluations = [c.evaluation() for c in cases]
    # The generator reaches every kind of outcome (else the property would prove little).
    sources = {s for e in evaluations for s in e.sources.values()}
    assert sources == {rules.DERIVED, rules.REVIEWER, rules.OVERRIDDEN, rules.UNKNOWN}
    assert {e.classification for e in evaluations} == {"poor", "near_poor", "average", "above"}
    refused = {
        (row, k)
        for row, (c, e) in enumerate(zip(cases, evaluations, strict=True), start=2)
        for k in rules.unexplained_overrides(e.conflicts, c.reasons)
    }
    assert refused

    path = tmp_path / "all.xlsx"
    build_workbook(
        [ho_row(c) for c in cases], members=[r for c in cases for r in nk_rows(c)], path=path
    )
    plan = services.workbook_validate(path=path, user=alice, year=YEAR)
    # Every tick that contradicts the facts without a reason is an error, and nothing else.
    assert {(e.row, int(e.column[2:])) for e in plan.errors} == refused
    assert all(e.sheet == "HO" for e in plan.errors)
    with pytest.raises(services.ImportRefused):
        services.workbook_import(path=path, user=alice, year=YEAR)
    assert not HouseholdReview.objects.exists()

    accepted = [c for row, c in enumerate(cases, start=2) if row not in {r for r, _k in refused}]
    build_workbook(
        [ho_row(c) for c in accepted],
        members=[r for c in accepted for r in nk_rows(c)],
        path=path,
    )
    services.workbook_import(path=path, user=alice, year=YEAR)
    stored = {r.household.code: r for r in HouseholdReview.objects.select_related("household")}
    assert len(stored) == len(accepted)
    for case in accepted:
        assert_stored_matches(stored[case.code], case)


def _member_post(prefix: str, m: rules.MemberFacts, head: bool) -> dict:
    def tri(value):
        return "unknown" if value is None else ("true" if value else "false")

    return {
        f"{prefix}-full_name": m.full_name,
        f"{prefix}-sex": "F" if m.is_female else "M",
        f"{prefix}-date_of_birth": m.date_of_birth.isoformat(),
        f"{prefix}-relationship": "head" if head else "child",
        f"{prefix}-citizen_id": "",
        f"{prefix}-ethnicity": "Kinh",
        f"{prefix}-has_health_insurance": tri(m.has_health_insurance),
        f"{prefix}-health_insurance_expiry": (
            m.health_insurance_expiry.isoformat() if m.health_insurance_expiry else ""
        ),
        f"{prefix}-school_level": ("" if m.school_level is None else (m.school_level or "none")),
        f"{prefix}-education": m.education or "",
        f"{prefix}-work_status": m.work_status or "",
        f"{prefix}-has_disability": tri(m.has_disability),
        f"{prefix}-receives_social_allowance": tri(m.receives_social_allowance),
        f"{prefix}-is_malnourished": tri(m.is_malnourished),
        f"{prefix}-join_reason": "initial",
    }


def test_generated_households_through_the_form(client, alice):
    commune = Area.objects.get(code="29173")
    login(client, alice)
    cases = generate(seed=14, count=THROUGH_THE_FORM)
    for case in cases:
        data = {
            "code": case.code,
            "commune": str(commune.pk),
            "head_name": case.members[0].full_name,
            "members-TOTAL_FORMS": str(len(case.members)),
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
        }
        for j, m in enumerate(case.members):
            data |= _member_post(f"members-{j}", m, j == 0)
        assert client.post(reverse("households:create"), data).status_code == 302, case.code
        household = Household.objects.get(code=case.code)
        f = case.facts

        def tri(value):
            return "" if value is None else ("1" if value else "0")

        review = {
            "income_per_capita": f"{case.income:,}".replace(",", "."),
            "nondurable_parts": "" if f.nondurable_parts is None else str(f.nondurable_parts),
            "floor_area_m2": "" if f.floor_area_m2 is None else str(f.floor_area_m2),
            "water_source": f.water_source,
            "latrine": f.latrine,
            "uses_internet": tri(f.uses_internet),
            "has_information_device": tri(f.has_information_device),
        }
        for k in rules.INDICATORS:
            review[f"t{k:02d}"] = tri(case.ticks[k])
            review[f"r{k:02d}"] = case.reasons.get(k, "")
        url = reverse("households:review-edit", args=[household.pk, YEAR])
        response = client.post(url, review)
        expected = case.evaluation()
        if rules.unexplained_overrides(expected.conflicts, case.reasons):
            assert response.status_code == 200, case.code
            assert "Lý do điều chỉnh" in response.content.decode() or "ghi lý do" in (
                response.content.decode()
            )
            assert not HouseholdReview.objects.filter(household=household).exists()
            continue
        assert response.status_code == 302, case.code
        assert_stored_matches(HouseholdReview.objects.get(household=household), case)
