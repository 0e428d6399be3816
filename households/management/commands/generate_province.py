"""Generate a realistic province over the real area tree, in bulk (no history rows).

Members with plausible ages and facts, about 3% poor and 3% near-poor, two years of approved
reviews classified by households.rules.evaluate with the movements between them, and each
commune's resident population for both years. Ba Tri poorer, the city richer (domain §4).
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from households import rules
from households.models import (
    Area,
    AreaPopulation,
    Household,
    HouseholdReview,
    Member,
    ReviewRound,
)
from households.models.reviews import INDICATOR_FIELDS
from households.selectors import standard_for_year
from households.services import default_reference_date

# Poor-household rate by district code, around the figures of end 2021 (domain §4).
DISTRICT_POOR_RATE = {
    "829": 0.007,  # Thành phố Bến Tre
    "836": 0.045,  # Ba Tri
    "837": 0.04,  # Thạnh Phú
    "835": 0.035,  # Bình Đại
}
DEFAULT_POOR_RATE = 0.022
DISTRICT_WEIGHT = {"829": 0.8, "836": 1.2}
DEMO_COMMUNE = "29173"  # Xã An Đức, Ba Tri
BATCH = 5000

SURNAMES = "Nguyễn Trần Lê Phạm Huỳnh Võ Phan Trương Bùi Đặng Đỗ Ngô Hồ Dương Lý".split()
MIDDLE_M = "Văn Hữu Minh Thanh Quốc Công Đức".split()
MIDDLE_F = "Thị Ngọc Thu Kim Thanh Mỹ".split()
GIVEN_M = "An Bình Cường Dũng Hải Hùng Khoa Long Nam Phong Quang Sơn Tài Thành Tuấn Vinh".split()
GIVEN_F = "Anh Bích Chi Dung Hà Hạnh Hoa Hương Lan Linh Mai Nga Nhung Oanh Thảo Trang".split()


def _name(rng: random.Random, surname: str, female: bool) -> str:
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{surname} {middle} {given}"


class Generator:
    def __init__(self, *, households: int, year: int, seed: int, demo: bool, out) -> None:
        self.n = households
        self.year = year
        self.rng = random.Random(seed)
        self.demo = demo
        self.out = out
        self.serials: dict[str, int] = {}
        self.standards = {y: standard_for_year(y) for y in (year - 1, year)}
        self.lines = {y: s.lines() for y, s in self.standards.items()}
        self.now = timezone.now()

    # --- areas ----------------------------------------------------------------------------

    def hamlets(self, communes: list[Area]) -> dict[int, list[Area]]:
        existing: dict[int, list[Area]] = {}
        for hamlet in Area.objects.filter(level=Area.Level.HAMLET).order_by("code"):
            existing.setdefault(hamlet.parent_id, []).append(hamlet)
        new = []
        for commune in communes:
            if commune.pk in existing:
                continue
            urban = commune.kind in (Area.Kind.WARD, Area.Kind.TOWNSHIP)
            for i in range(1, self.rng.randint(5, 10) + 1):
                name = f"Khu phố {i}" if urban else f"Ấp {i}"
                code = f"{commune.code}-{i:02d}"
                new.append(
                    Area(
                        code=code,
                        name=name,
                        search_name=rules.normalize_text(name),
                        level=Area.Level.HAMLET,
                        kind=Area.Kind.QUARTER if urban else Area.Kind.HAMLET,
                        parent=commune,
                        path=f"{commune.path}{code}/",
                        depth=commune.depth + 1,
                    )
                )
        Area.objects.bulk_create(new, batch_size=BATCH)
        for hamlet in new:
            existing.setdefault(hamlet.parent_id, []).append(hamlet)
        return existing

    def allocation(self, communes: list[Area]) -> dict[int, int]:
        """Households per commune: weighted by district, An Đức gets ~30 in demo mode."""
        weights = [
            DISTRICT_WEIGHT.get(c.parent.code, 1.0) * self.rng.uniform(0.6, 1.4) for c in communes
        ]
        total = sum(weights)
        counts = {c.pk: int(self.n * w / total) for c, w in zip(communes, weights, strict=True)}
        rest = self.n - sum(counts.values())
        for c in self.rng.sample(communes, k=min(rest, len(communes))):
            counts[c.pk] += 1
        if self.demo:
            an_duc = next((c for c in communes if c.code == DEMO_COMMUNE), None)
            if an_duc is not None and counts[an_duc.pk] < 30:
                take = 30 - counts[an_duc.pk]
                donors = sorted(communes, key=lambda c: -counts[c.pk])
                for donor in donors:
                    if take == 0:
                        break
                    if donor.pk == an_duc.pk or counts[donor.pk] <= 1:
                        continue
                    moved = min(take, counts[donor.pk] - 1)
                    counts[donor.pk] -= moved
                    counts[an_duc.pk] += moved
                    take -= moved
        return counts

    # --- people ---------------------------------------------------------------------------

    def citizen_id(self, dob: date, female: bool) -> str:
        century = (dob.year // 100) * 100
        digit = {1900: 0, 2000: 2, 2100: 4, 1800: 8}[century] + int(female)
        prefix = f"083{digit}{dob.year % 100:02d}"
        serial = self.serials.get(prefix, 0) + 1
        self.serials[prefix] = serial
        return f"{prefix}{serial:06d}"

    def dob(self, age: int, on: date) -> date:
        return on - timedelta(days=age * 365 + self.rng.randint(0, 364))

    def members(self, poor: bool, on: date) -> list[dict]:
        rng = self.rng
        size = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[8, 18, 24, 26, 14, 7, 3])[0]
        surname = rng.choice(SURNAMES)
        head_female = rng.random() < 0.3
        people = [(rng.randint(28, 75), head_female, Member.Relationship.HEAD)]
        if size >= 2:
            people.append((max(20, people[0][0] + rng.randint(-6, 6)), not head_female, "spouse"))
        for _ in range(size - len(people)):
            kind = rng.random()
            if kind < 0.7:
                people.append(
                    (rng.randint(0, max(0, people[0][0] - 20)), rng.random() < 0.5, "child")
                )
            elif kind < 0.9:
                people.append((rng.randint(60, 90), rng.random() < 0.6, "parent"))
            else:
                people.append((rng.randint(0, 12), rng.random() < 0.5, "grandchild"))
        rows = []
        for age, female, relation in people:
            dob = self.dob(age, on)
            if age >= 6 and age < 11:
                school = "primary"
            elif 11 <= age < 16:
                school = "lower_secondary" if rng.random() > (0.15 if poor else 0.03) else ""
            elif 3 <= age < 6:
                school = "preschool"
            elif 16 <= age < 18:
                school = "upper_secondary" if rng.random() < 0.7 else ""
            else:
                school = ""
            if age < 15:
                education = "none" if age < 11 else "primary"
            elif age < 30:
                education = rng.choices(
                    ["lower_secondary", "upper_secondary", "vocational"],
                    weights=[5 if poor else 2, 6, 2],
                )[0]
            else:
                education = rng.choice(["none", "primary", "lower_secondary", "upper_secondary"])
            if 15 <= age < 60 and not school:
                work = rng.choices(
                    ["self_employed", "wage_contract", "wage_no_contract", "unemployed"],
                    weights=[6, 3, 3 if poor else 1, 1 if poor else 0.2],
                )[0]
            else:
                work = "not_in_labour_force"
            insured = rng.random() > (0.08 if poor else 0.04)
            rows.append(
                {
                    "full_name": _name(rng, surname, female)
                    if relation != "spouse"
                    else _name(rng, rng.choice(SURNAMES), female),
                    "sex": "F" if female else "M",
                    "date_of_birth": dob,
                    "relationship": relation,
                    "citizen_id": self.citizen_id(dob, female) if age >= 14 else "",
                    "has_health_insurance": insured,
                    "health_insurance_expiry": date(on.year + 1, 12, 31) if insured else None,
                    "school_level": school,
                    "education": education,
                    "work_status": work,
                    "has_disability": rng.random() < 0.02,
                    "receives_social_allowance": age >= 80 or rng.random() < 0.01,
                    "is_malnourished": age < 5 and rng.random() < (0.15 if poor else 0.02),
                }
            )
        return rows

    @staticmethod
    def facts_of(rows: list[dict]) -> list[rules.MemberFacts]:
        return [
            rules.MemberFacts(
                full_name=r["full_name"],
                date_of_birth=r["date_of_birth"],
                is_female=r["sex"] == "F",
                work_status=r["work_status"],
                has_health_insurance=r["has_health_insurance"],
                health_insurance_expiry=r["health_insurance_expiry"],
                school_level=r["school_level"],
                education=r["education"],
                has_disability=r["has_disability"],
                receives_social_allowance=r["receives_social_allowance"],
                is_malnourished=r["is_malnourished"],
            )
            for r in rows
        ]

    def dwelling(self, target: str, size: int) -> rules.HouseholdFacts:
        rng = self.rng
        bad = target == rules.POOR
        return rules.HouseholdFacts(
            nondurable_parts=rng.choice([2, 3])
            if bad and rng.random() < 0.6
            else rng.choice([0, 0, 1]),
            floor_area_m2=round(size * rng.uniform(5 if bad else 9, 12 if bad else 30), 1),
            water_source=rng.choice(["unprotected", "rainwater"])
            if bad
            else rng.choice(["tap", "drilled_well", "rainwater"]),
            latrine="unhygienic"
            if bad and rng.random() < 0.7
            else rng.choice(["septic", "semi_septic"]),
            uses_internet=not (bad and rng.random() < 0.6),
            has_information_device=not (bad and rng.random() < 0.3),
        )

    def income(self, target: str, urban: bool, year: int) -> int:
        lines = self.lines[year]
        line = lines.urban_poverty_line if urban else lines.rural_poverty_line
        average = lines.urban_average_line if urban else lines.rural_average_line
        rng = self.rng
        if target in (rules.POOR, rules.NEAR_POOR):
            return rng.randrange(int(line * 0.5), line + 1, 1000)
        if rng.random() < 0.15:
            return rng.randrange(line + 1000, average + 1, 1000)
        return rng.randrange(average + 1000, average * 4, 1000)

    def evaluate(self, facts, dwelling, target, urban, year):
        """Classify through the rules; fix the dwelling when the target class needs it."""
        on = default_reference_date(year)
        income = self.income(target, urban, year)
        evaluation = rules.evaluate(
            members=facts,
            facts=dwelling,
            ticks={},
            income_per_capita=income,
            is_urban=urban,
            lines=self.lines[year],
            on=on,
        )
        if target == rules.POOR and evaluation.classification != rules.POOR:
            dwelling = rules.HouseholdFacts(
                nondurable_parts=2,
                floor_area_m2=dwelling.floor_area_m2,
                water_source="unprotected",
                latrine="unhygienic",
                uses_internet=dwelling.uses_internet,
                has_information_device=dwelling.has_information_device,
            )
        elif target == rules.NEAR_POOR and evaluation.classification == rules.POOR:
            dwelling = rules.HouseholdFacts(
                nondurable_parts=0,
                floor_area_m2=max(dwelling.floor_area_m2, 10 * len(facts)),
                water_source="tap",
                latrine="septic",
                uses_internet=True,
                has_information_device=True,
            )
        else:
            return income, dwelling, evaluation
        evaluation = rules.evaluate(
            members=facts,
            facts=dwelling,
            ticks={},
            income_per_capita=income,
            is_urban=urban,
            lines=self.lines[year],
            on=on,
        )
        return income, dwelling, evaluation

    def next_target(self, previous: str, poor_rate: float) -> str:
        r = self.rng.random()
        if previous == rules.POOR:
            return rules.POOR if r < 0.6 else rules.NEAR_POOR if r < 0.8 else rules.AVERAGE
        if previous == rules.NEAR_POOR:
            return rules.NEAR_POOR if r < 0.6 else rules.POOR if r < 0.68 else rules.AVERAGE
        if r < poor_rate * 0.25:
            return rules.POOR
        if r < poor_rate * 0.25 + 0.012:
            return rules.NEAR_POOR
        return rules.ABOVE

    # --- the run --------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.monotonic()
        communes = list(
            Area.objects.filter(level=Area.Level.COMMUNE).select_related("parent").order_by("code")
        )
        if not communes:
            raise CommandError("Chưa có cây địa bàn: chạy load_reference_data trước.")
        hamlets = self.hamlets(communes)
        counts = self.allocation(communes)
        years = (self.year - 1, self.year)
        rounds = {}
        for commune in communes:
            for y in years:
                round_, _created = ReviewRound.objects.get_or_create(
                    area=commune,
                    year=y,
                    kind=ReviewRound.Kind.PERIODIC,
                    month=0,
                    defaults={"reference_date": default_reference_date(y)},
                )
                rounds[commune.pk, y] = round_.pk
        prefix = f"G{self.year % 100:02d}"
        start = Household.objects.filter(code__startswith=prefix).count()
        totals = {"households": 0, "members": 0, "reviews": 0}
        population = {}
        pending: list[tuple[Household, list[dict], list[dict]]] = []
        serial = start
        for commune in communes:
            poor_rate = DISTRICT_POOR_RATE.get(commune.parent.code, DEFAULT_POOR_RATE)
            urban = {
                y: rules.is_urban_on(
                    commune.kind,
                    former_kind=commune.former_kind,
                    kind_changed_on=commune.kind_changed_on,
                    on=default_reference_date(y),
                )
                for y in years
            }
            submitted_left = 5 if (self.demo and commune.code == DEMO_COMMUNE) else 0
            persons = 0
            for _ in range(counts[commune.pk]):
                serial += 1
                r = self.rng.random()
                first = (
                    rules.POOR
                    if r < poor_rate
                    else rules.NEAR_POOR
                    if r < poor_rate + 0.03
                    else rules.ABOVE
                )
                second = self.next_target(first, poor_rate)
                on = default_reference_date(self.year)
                rows = self.members(first == rules.POOR or second == rules.POOR, on)
                persons += len(rows)
                facts = self.facts_of(rows)
                head = rows[0]
                hamlet = self.rng.choice(hamlets[commune.pk]) if hamlets.get(commune.pk) else None
                code = f"{prefix}{commune.code}{serial:07d}"
                household = Household(
                    code=code,
                    commune=commune,
                    hamlet=hamlet,
                    area_path=commune.path,
                    address=f"{hamlet.name if hamlet else ''}, {commune.name}",
                    head_name=head["full_name"],
                    head_citizen_id=head["citizen_id"],
                    search_text=rules.normalize_text(f"{head['full_name']} {code}")[:255],
                    phone=f"09{self.rng.randint(10000000, 99999999)}",
                    is_meritorious=self.rng.random() < 0.03,
                    is_ethnic_minority=self.rng.random() < 0.005,
                    no_labour_capacity=all(r["work_status"] == "not_in_labour_force" for r in rows),
                    is_social_protection=any(r["receives_social_allowance"] for r in rows),
                    wants_loan=first != rules.ABOVE and self.rng.random() < 0.4,
                )
                reviews = []
                dwelling = self.dwelling(first, len(rows))
                previous = None
                for y, target in zip(years, (first, second), strict=True):
                    if y != years[0] and target != first:
                        dwelling = self.dwelling(target, len(rows))
                    income, dwelling, ev = self.evaluate(facts, dwelling, target, urban[y], y)
                    status = HouseholdReview.Status.APPROVED
                    if y == self.year and submitted_left:
                        status = HouseholdReview.Status.SUBMITTED
                        submitted_left -= 1
                    move = ""
                    if previous is not None and status == HouseholdReview.Status.APPROVED:
                        move = rules.movement(
                            previous,
                            ev.classification,
                            ever_poor=previous == rules.POOR,
                            ever_near_poor=previous == rules.NEAR_POOR,
                        )
                    review = {
                        "round_id": rounds[commune.pk, y],
                        "year": y,
                        "reference_date": default_reference_date(y),
                        "standard": self.standards[y],
                        "is_urban": urban[y],
                        "income_per_capita": income,
                        "nondurable_parts": dwelling.nondurable_parts,
                        "floor_area_m2": dwelling.floor_area_m2,
                        "water_source": dwelling.water_source,
                        "latrine": dwelling.latrine,
                        "uses_internet": dwelling.uses_internet,
                        "has_information_device": dwelling.has_information_device,
                        "sources": {str(n): s for n, s in ev.sources.items()},
                        "reasons": {str(n): list(v) for n, v in ev.reasons.items()},
                        "deprivation_count": ev.count,
                        "classification": ev.classification,
                        "member_count": ev.member_count,
                        "status": status,
                        "previous_classification": previous or "" if move else "",
                        "movement": move,
                        "is_current": True,
                        "submitted_at": self.now,
                        "approved_at": self.now
                        if status == HouseholdReview.Status.APPROVED
                        else None,
                    }
                    for n, f in zip(rules.INDICATORS, INDICATOR_FIELDS, strict=True):
                        review[f] = ev.deprived[n]
                    reviews.append(review)
                    previous = ev.classification
                pending.append((household, rows, reviews))
                if len(pending) >= BATCH:
                    self.flush(pending, totals)
                    pending = []
            population[commune.pk] = (counts[commune.pk], persons)
        self.flush(pending, totals)
        self.populations(population, years)
        self.lock(communes, years[0])
        totals["seconds"] = round(time.monotonic() - started, 1)
        return totals

    @transaction.atomic
    def flush(self, pending, totals) -> None:
        if not pending:
            return
        households = Household.objects.bulk_create([h for h, _m, _r in pending], batch_size=BATCH)
        if connection.vendor != "postgresql" or households[0].pk is None:
            ids = dict(
                Household.objects.filter(code__in=[h.code for h in households]).values_list(
                    "code", "pk"
                )
            )
            for h in households:
                h.pk = ids[h.code]
        members, reviews = [], []
        for household, (_h, rows, review_rows) in zip(households, pending, strict=True):
            members.extend(
                Member(
                    household_id=household.pk,
                    search_name=rules.normalize_text(row["full_name"]),
                    **row,
                )
                for row in rows
            )
            reviews.extend(HouseholdReview(household_id=household.pk, **row) for row in review_rows)
        Member.objects.bulk_create(members, batch_size=BATCH)
        HouseholdReview.objects.bulk_create(reviews, batch_size=BATCH)
        totals["households"] += len(households)
        totals["members"] += len(members)
        totals["reviews"] += len(reviews)
        self.out.write(f"  {totals['households']:>8} hộ")

    def populations(self, population: dict, years) -> None:
        for area_id, (households, persons) in population.items():
            for y in years:
                factor = 1.0 if y == years[1] else 0.99
                AreaPopulation.objects.update_or_create(
                    area_id=area_id,
                    year=y,
                    defaults={
                        "households": int(households * factor * 1.03) or 1,
                        "persons": int(persons * factor * 1.03) or 1,
                    },
                )

    def lock(self, communes, year: int) -> None:
        ReviewRound.objects.filter(area__in=communes, year=year, kind="periodic").update(
            status=ReviewRound.Status.LOCKED, locked_at=self.now
        )


class Command(BaseCommand):
    help = "Sinh dữ liệu một tỉnh (hộ, nhân khẩu, hai năm rà soát, dân số) để thử và đo tốc độ."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--households", type=int, default=1000)
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--demo", action="store_true")

    def handle(self, *args, households: int, year: int, seed: int, demo: bool, **options) -> None:
        generator = Generator(
            households=households, year=year, seed=seed, demo=demo, out=self.stdout
        )
        totals = generator.run()
        self.stdout.write(
            f"Đã sinh {totals['households']} hộ, {totals['members']} nhân khẩu, "
            f"{totals['reviews']} phiếu trong {totals['seconds']} giây."
        )
