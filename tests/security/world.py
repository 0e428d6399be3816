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
from households.models import Area, Household, HouseholdReview, Member
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
        data = services.ReviewInput(income_per_capita=1_200_000, facts=HouseholdFacts(), ticks={})
        review = services.review_save(
            household=household,
            year=YEAR,
            data=data,
            user=self.users["alice"],
            confirm_conflicts=True,
        )
        # Submitted, so that it shows in the district's queue (and must not elsewhere).
        return services.review_submit(review=review, user=self.users["alice"])
