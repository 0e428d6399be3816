"""The fixture world the permission matrix requests every URL against.

Three households with personal data, each in a different place, so that "no data of another
area" can be checked in every response body, export and download:

  A  Xã An Đức (29173), Ba Tri   seen by alice, bob, pat
  B  Xã Tân Mỹ (29113), Ba Tri   seen by bob, pat
  C  Thị trấn Thạnh Phú (29182)  seen by charlie, pat

Full citizen ID and phone numbers only for the officers of the area (pat sees them masked).
Pages of later apps add their objects here as lazily built properties (see `url_params.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from households import services
from households.models import Agency, Area, Household, HouseholdReview, Member
from households.rules import HouseholdFacts

YEAR = 2023


@dataclass(frozen=True)
class Sample:
    key: str
    commune: str
    code: str
    head_name: str
    citizen_id: str
    phone: str
    member_name: str
    member_citizen_id: str

    def secrets(self) -> dict[str, str]:
        """The personal values that only the household's officers may read in full."""
        return {
            "citizen ID": self.citizen_id,
            "phone": self.phone,
            "member citizen ID": self.member_citizen_id,
        }

    def names(self) -> dict[str, str]:
        return {"head name": self.head_name, "member name": self.member_name}


SAMPLES = {
    "A": Sample(
        "A", "29173", "MTX-A-0001", "Võ Thị Mẫu Ân", "083190000111", "0912000111",
        "Võ Văn Con Ân", "083210000114",
    ),
    "B": Sample(
        "B", "29113", "MTX-B-0001", "Lê Văn Mẫu Bình", "083190000222", "0912000222",
        "Lê Thị Con Bình", "083210000225",
    ),
    "C": Sample(
        "C", "29182", "MTX-C-0001", "Phạm Văn Mẫu Châu", "083190000333", "0912000333",
        "Phạm Thị Con Châu", "083210000336",
    ),
}  # fmt: skip

# Which households each role may see: names (in scope) and full identifiers (officer of the area).
NAMES_VISIBLE = {
    "anonymous": set(),
    "alice": {"A"},
    "bob": {"A", "B"},
    "charlie": {"C"},
    "agnes": set(),
    "olga": set(),
    "nobody": set(),
    "pat": {"A", "B", "C"},
}
IDS_VISIBLE = {**NAMES_VISIBLE, "pat": set()}


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class World:
    def __init__(self, users: dict) -> None:
        self.users = users  # role name -> user (None for anonymous)
        self.households = {key: self._household(sample) for key, sample in SAMPLES.items()}
        self.reviews = {key: self._review(h) for key, h in self.households.items()}

    # --- the objects URLs point at (all in Xã An Đức, Ba Tri: household A) ---

    @property
    def household(self) -> Household:
        return self.households["A"]

    @property
    def member(self) -> Member:
        return self.household.members.get()

    @property
    def review(self) -> HouseholdReview:
        return self.reviews["A"]

    @cached_property
    def commune(self) -> Area:
        return Area.objects.get(code="29173")

    @cached_property
    def district(self) -> Area:
        return Area.objects.get(code="836")

    # --- targets (agency-bound, not area-bound) and import jobs (owner-bound) ---

    def _pdf(self, subdir: str) -> tuple[str, str]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from households.workbook import store_private_file

        upload = SimpleUploadedFile("minh-chung.pdf", PDF_BYTES, content_type="application/pdf")
        return store_private_file(upload, subdir), "minh-chung.pdf"

    @cached_property
    def plan(self):
        from targets.models import Plan

        return Plan.objects.order_by("year").first()

    @cached_property
    def task(self):
        from targets.models import Task

        return Task.objects.create(
            plan=self.plan,
            code="NV-TEST",
            title="Cấp thẻ BHYT (kiểm thử)",
            lead_agency=Agency.objects.get(code="SYT"),
            due_date=date(2023, 12, 31),
        )

    @cached_property
    def evidence(self):
        from targets.models import TaskEvidence, TaskUpdate

        update = TaskUpdate.objects.create(
            task=self.task,
            status="in_progress",
            percent=50,
            note="kiểm thử",
            agency=self.task.lead_agency,
        )
        path, name = self._pdf("evidence")
        return TaskEvidence.objects.create(update=update, file_path=path, original_name=name)

    @cached_property
    def document(self):
        from targets.models import PlanDocument

        path, name = self._pdf("plans")
        return PlanDocument.objects.create(
            plan=self.plan, title="Kế hoạch", file_path=path, original_name=name
        )

    @cached_property
    def figure(self):
        from targets.models import ManualFigure

        target = (
            self.plan.targets.filter(indicator_code="manual").first() or self.plan.targets.first()
        )
        path, name = self._pdf("figures")
        return ManualFigure.objects.create(
            target=target,
            indicator_code=target.indicator_code,
            area=self.district,
            year=2023,
            period_start=date(2023, 1, 1),
            period_end=date(2023, 12, 31),
            value=10,
            agency=Agency.objects.get(code="SYT"),
            file_path=path,
            original_name=name,
        )

    @cached_property
    def import_job(self):
        from households.models import ImportJob

        return ImportJob.objects.create(
            user=self.users["alice"],
            file_path="imports/none.xlsx",
            original_name="ho.xlsx",
            year=2023,
        )

    @cached_property
    def export_job(self):
        from households.models import ExportJob

        return ExportJob.objects.create(user=self.users["alice"], year=2023, rows_total=3)

    @cached_property
    def forecast_job(self):
        """pat's forecast of the province under the 2027 standard (queued: nothing to
        download yet)."""
        from households.models import PovertyStandard
        from reports.models import ForecastJob

        return ForecastJob.objects.create(
            user=self.users["pat"],
            area=Area.objects.get(level=Area.Level.PROVINCE, code="83"),
            standard=PovertyStandard.objects.get(code="2027-2030"),
        )

    # --- building ---

    def _household(self, sample: Sample) -> Household:
        household = Household.objects.create(
            code=sample.code,
            commune=Area.objects.get(code=sample.commune),
            address="Ấp 1",
            head_name=sample.head_name,
            head_citizen_id=sample.citizen_id,
            phone=sample.phone,
        )
        Member.objects.create(
            household=household,
            full_name=sample.member_name,
            sex=Member.Sex.FEMALE,
            date_of_birth=date(2012, 5, 17),
            relationship=Member.Relationship.CHILD,
            citizen_id=sample.member_citizen_id,
        )
        return household

    def _review(self, household: Household) -> HouseholdReview:
        # No dwelling facts: the officer decides CS07-CS12 (an undecided one blocks submission).
        data = services.ReviewInput(
            income_per_capita=1_200_000,
            facts=HouseholdFacts(),
            ticks=dict.fromkeys(range(7, 13), False),
        )
        review = services.review_save(
            household=household, year=YEAR, data=data, user=self.users["alice"]
        )
        # Submitted, so that it shows in the district's queue (and must not elsewhere).
        return services.review_submit(review=review, user=self.users["alice"])
