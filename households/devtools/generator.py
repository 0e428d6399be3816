"""Generate a realistic province over the real area tree, in bulk (no history rows).

Members with plausible ages and facts, about 3% poor and 3% near-poor, two years of approved
reviews classified by households.rules.evaluate (the movements between them are derived by
the report rebuild), and each commune's resident population for both years. Ba Tri poorer, the city richer (domain §4).

Rows are built as plain tuples in the models' column order, with ids the generator assigns
itself (so members and reviews point at their household without a round trip). On PostgreSQL
they are written with COPY inside one transaction that holds the three tables locked; elsewhere
(SQLite: demo data, tests) with bulk_create. Same seed, same data.
"""

from __future__ import annotations

import json
import queue
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Substr
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
from households.models.households import MEMBER_FACT_FIELDS
from households.models.reviews import COLUMN_FIELDS, COLUMN_NUMBERS
from households.selectors import indicator_specs, standard_for_year
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
BATCH = 10000  # households per write

SURNAMES = "Nguyễn Trần Lê Phạm Huỳnh Võ Phan Trương Bùi Đặng Đỗ Ngô Hồ Dương Lý".split()
MIDDLE_M = "Văn Hữu Minh Thanh Quốc Công Đức".split()
MIDDLE_F = "Thị Ngọc Thu Kim Thanh Mỹ".split()
GIVEN_M = "An Bình Cường Dũng Hải Hùng Khoa Long Nam Phong Quang Sơn Tài Thành Tuấn Vinh".split()
GIVEN_F = "Anh Bích Chi Dung Hà Hạnh Hoa Hương Lan Linh Mai Nga Nhung Oanh Thảo Trang".split()

# The tuples below follow these column orders exactly (a test compares them with the models).
HOUSEHOLD_COLUMNS = (
    "id",
    "code",
    "commune_id",
    "hamlet_id",
    "area_path",
    "address",
    "head_name",
    "head_citizen_id",
    "search_text",
    "phone",
    "declared_size",
    "is_meritorious",
    "is_ethnic_minority",
    "no_labour_capacity",
    "is_social_protection",
    "wants_loan",
    "version",
    "created_at",
    "updated_at",
    "created_by_id",
)
MEMBER_COLUMNS = (
    "id",
    "household_id",
    "full_name",
    "search_name",
    *MEMBER_FACT_FIELDS,
)
REVIEW_COLUMNS = (
    "id",
    "household_id",
    "round_id",
    "area_id",
    "area_path",
    "year",
    "reference_date",
    "standard_id",
    "is_urban",
    "income_per_capita",
    "nondurable_parts",
    "floor_area_m2",
    "water_source",
    "latrine",
    "uses_internet",
    "has_information_device",
    "waste_treatment",
    "uses_digital_services",
    *COLUMN_FIELDS,
    "standard_revision",
    "poverty_line",
    "local_standard_id",
    "local_classification",
    "local_deprivation_count",
    "sources",
    "reasons",
    "overrides",
    "income_confirmed",
    "deprivation_count",
    "classification",
    "member_count",
    "status",
    "return_reason",
    "is_current",
    "entered_by_id",
    "submitted_at",
    "approved_by_id",
    "approved_at",
    "version",
    "created_at",
    "updated_at",
)
TABLES = (
    (Household, HOUSEHOLD_COLUMNS),
    (Member, MEMBER_COLUMNS),
    (HouseholdReview, REVIEW_COLUMNS),
)
APPROVED = HouseholdReview.Status.APPROVED.value
SUBMITTED = HouseholdReview.Status.SUBMITTED.value
HEAD = Member.Relationship.HEAD.value
NOT_IN_LABOUR_FORCE = rules.NOT_IN_LABOUR_FORCE
SIZES = [1, 2, 3, 4, 5, 6, 7]
SIZE_WEIGHTS = [8, 18, 24, 26, 14, 7, 3]
YOUNG_EDUCATION = ["lower_secondary", "upper_secondary", "vocational"]
OLD_EDUCATION = ["none", "primary", "lower_secondary", "upper_secondary"]
WORK = ["self_employed", "wage_contract", "wage_no_contract", "unemployed"]
WORK_WEIGHTS = {True: [6, 3, 3, 1], False: [6, 3, 1, 0.2]}
EDUCATION_WEIGHTS = {True: [5, 6, 2], False: [2, 6, 2]}


class Generator:
    def __init__(
        self,
        *,
        households: int,
        year: int,
        seed: int,
        demo: bool,
        out,
        communes: list[str] | None = None,
    ) -> None:
        self.n = households
        self.until = year
        # Unit codes to fill (default: every commune of the year's tree).
        self.commune_codes = communes
        self.year = year
        self.rng = random.Random(seed)  # noqa: S311 - synthetic test data, not secrets
        self.facts_rng = random.Random(seed + 1)  # noqa: S311
        self.demo = demo
        self.out = out
        self.serials: dict[str, int] = {}
        self.standards = {y: standard_for_year(y) for y in (year - 1, year)}
        self.lines = {y: s.lines() for y, s in self.standards.items()}
        self.specs = {y: indicator_specs(s) for y, s in self.standards.items()}
        self.now = timezone.now()
        self.copy = connection.vendor == "postgresql"
        # JSON columns: COPY takes the text, bulk_create the Python value.
        self.json = json.dumps if self.copy else (lambda value: value)
        self._search_names: dict[str, str] = {}
        self.write_seconds = 0.0

    # --- areas ----------------------------------------------------------------------------

    def hamlets(self, communes: list[Area]) -> dict[int, list[Area]]:
        existing: dict[int, list[Area]] = {}
        for hamlet in Area.objects.filter(level=Area.Level.HAMLET).order_by("code"):
            existing.setdefault(hamlet.parent_id, []).append(hamlet)
        new = []
        for commune in communes:
            if commune.pk in existing:
                continue
            urban = commune.is_urban
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
        Area.objects.bulk_create(new, batch_size=5000)
        if new and new[0].pk is None:  # backends that return no ids from bulk_create
            ids = dict(
                Area.objects.filter(code__in=[h.code for h in new]).values_list("code", "pk")
            )
            for hamlet in new:
                hamlet.pk = ids[hamlet.code]
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

    @staticmethod
    def citizen_serials() -> dict[str, int]:
        """The last serial used per CCCD prefix, so that a second run does not repeat numbers."""
        rows = (
            Member.objects.filter(citizen_id__startswith="083")
            .annotate(prefix=Substr("citizen_id", 1, 6))
            .values("prefix")
            .annotate(last=Max("citizen_id"))
            .values_list("prefix", "last")
        )
        return {prefix: int(last[6:]) for prefix, last in rows if last[6:].isdigit()}

    def search_name(self, full_name: str) -> str:
        """rules.normalize_text, remembered: names repeat a lot."""
        found = self._search_names.get(full_name)
        if found is None:
            found = self._search_names[full_name] = rules.normalize_text(full_name)
        return found

    def members(self, poor: bool, on: date) -> tuple[list[tuple], list[rules.MemberFacts]]:
        """Member rows (without id and household id) and the same members as rule facts."""
        rng = self.rng
        random_ = rng.random
        randint = rng.randint
        choice = rng.choice
        size = rng.choices(SIZES, weights=SIZE_WEIGHTS)[0]
        surname = choice(SURNAMES)
        head_female = random_() < 0.3
        people = [(randint(28, 75), head_female, HEAD)]
        if size >= 2:
            people.append((max(20, people[0][0] + randint(-6, 6)), not head_female, "spouse"))
        for _ in range(size - len(people)):
            kind = random_()
            if kind < 0.7:
                people.append((randint(0, max(0, people[0][0] - 20)), random_() < 0.5, "child"))
            elif kind < 0.9:
                people.append((randint(60, 90), random_() < 0.6, "parent"))
            else:
                people.append((randint(0, 12), random_() < 0.5, "grandchild"))
        rows = []
        facts = []
        expiry = date(on.year + 1, 12, 31)
        for age, female, relation in people:
            dob = on - timedelta(days=age * 365 + randint(0, 364))
            if 3 <= age < 16:
                # The level of the school-age table; some children of poor households not.
                school = rules.expected_school_level(age)
                if age >= 11 and random_() < (0.15 if poor else 0.03):
                    school = ""
            elif 16 <= age < 18:
                school = "upper_secondary" if random_() < 0.7 else ""
            else:
                school = ""
            if age < 15:
                education = "none" if age < 11 else "primary"
            elif age < 30:
                education = rng.choices(YOUNG_EDUCATION, weights=EDUCATION_WEIGHTS[poor])[0]
            else:
                education = choice(OLD_EDUCATION)
            if 15 <= age < 60 and not school:
                work = rng.choices(WORK, weights=WORK_WEIGHTS[poor])[0]
            else:
                work = NOT_IN_LABOUR_FORCE
            insured = random_() > (0.08 if poor else 0.04)
            family = surname if relation != "spouse" else choice(SURNAMES)
            middle = choice(MIDDLE_F if female else MIDDLE_M)
            given = choice(GIVEN_F if female else GIVEN_M)
            full_name = f"{family} {middle} {given}"
            citizen_id = self.citizen_id(dob, female) if age >= 14 else ""
            disability = random_() < 0.02
            allowance = age >= 80 or random_() < 0.01
            malnourished = age < 5 and random_() < (0.15 if poor else 0.02)
            expiry_on = expiry if insured else None
            rows.append(
                (
                    full_name,
                    self.search_name(full_name),
                    "F" if female else "M",
                    dob,
                    relation,
                    citizen_id,
                    "Kinh",
                    insured,
                    expiry_on,
                    school,
                    education,
                    work,
                    disability,
                    allowance,
                    malnourished,
                    None,
                    "initial",
                    None,
                    "",
                )
            )
            facts.append(
                rules.MemberFacts(
                    full_name=full_name,
                    date_of_birth=dob,
                    is_female=female,
                    work_status=work,
                    has_health_insurance=insured,
                    health_insurance_expiry=expiry_on,
                    school_level=school,
                    education=education,
                    has_disability=disability,
                    receives_social_allowance=allowance,
                    is_malnourished=malnourished,
                )
            )
        return rows, facts

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
            # The 2027 facts from their own stream, so the earlier facts of a seed stay the same.
            waste_treatment=(
                "untreated"
                if self.facts_rng.random() < (0.5 if bad else 0.05)
                else self.facts_rng.choice(["collected", "treated_on_site"])
            ),
            uses_digital_services=self.facts_rng.random() >= (0.5 if bad else 0.1),
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
        income = self.income(target, urban, year)

        def classified(dwelling):
            return rules.evaluate(
                members=facts,
                facts=dwelling,
                ticks={},
                income_per_capita=income,
                is_urban=urban,
                lines=self.lines[year],
                on=default_reference_date(year),
                indicators=self.specs[year],
            )

        evaluation = classified(dwelling)
        if target == rules.POOR and evaluation.classification != rules.POOR:
            dwelling = replace(
                dwelling, nondurable_parts=2, water_source="unprotected", latrine="unhygienic"
            )
        elif target == rules.NEAR_POOR and evaluation.classification == rules.POOR:
            dwelling = replace(
                dwelling,
                nondurable_parts=0,
                floor_area_m2=max(dwelling.floor_area_m2, 10 * len(facts)),
                water_source="tap",
                latrine="septic",
                uses_internet=True,
                has_information_device=True,
            )
        else:
            return income, dwelling, evaluation
        return income, dwelling, classified(dwelling)

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

    # --- the rows -------------------------------------------------------------------------

    def rows(
        self,
        communes: list[Area],
        hamlets: dict[int, list[Area]],
        counts: dict[int, int],
        rounds: dict[tuple[int, int], int],
        ids: dict[str, int],
        serial: int,
        population: dict[int, tuple[int, int]],
    ) -> Iterator[tuple[tuple, list[tuple], list[tuple]]]:
        """One (household row, member rows, review rows) per household, ids assigned."""
        rng = self.rng
        random_ = rng.random
        now = self.now
        dumps = self.json
        prefix = f"G{self.year % 100:02d}"
        years = (self.year - 1, self.year)
        dates = {y: default_reference_date(y) for y in years}
        standard_ids = {y: self.standards[y].pk for y in years}
        revisions = {y: self.standards[y].revision for y in years}
        poverty_lines = {
            y: {False: self.lines[y].rural_poverty_line, True: self.lines[y].urban_poverty_line}
            for y in years
        }
        on = dates[self.year]
        household_id, member_id, review_id = ids["household"], ids["member"], ids["review"]
        for commune in communes:
            poor_rate = DISTRICT_POOR_RATE.get(commune.parent.code, DEFAULT_POOR_RATE)
            urban = {y: commune.is_urban_on(dates[y]) for y in years}
            submitted_left = 5 if (self.demo and commune.code == DEMO_COMMUNE) else 0
            commune_hamlets = hamlets.get(commune.pk)
            round_ids = {y: rounds[commune.pk, y] for y in years}
            persons = 0
            for _ in range(counts[commune.pk]):
                serial += 1
                household_id += 1
                r = random_()
                first = (
                    rules.POOR
                    if r < poor_rate
                    else rules.NEAR_POOR
                    if r < poor_rate + 0.03
                    else rules.ABOVE
                )
                second = self.next_target(first, poor_rate)
                member_rows, facts = self.members(first == rules.POOR or second == rules.POOR, on)
                size = len(member_rows)
                persons += size
                head = member_rows[0]
                hamlet = rng.choice(commune_hamlets) if commune_hamlets else None
                code = f"{prefix}{commune.code}{serial:07d}"
                household = (
                    household_id,
                    code,
                    commune.pk,
                    hamlet.pk if hamlet else None,
                    commune.path,
                    f"{hamlet.name if hamlet else ''}, {commune.name}",
                    head[0],
                    head[5],
                    rules.household_search_text(head[0], code),
                    f"09{rng.randint(10000000, 99999999)}",
                    None,
                    random_() < 0.03,
                    random_() < 0.005,
                    all(m[11] == NOT_IN_LABOUR_FORCE for m in member_rows),
                    any(m[13] for m in member_rows),
                    first != rules.ABOVE and random_() < 0.4,
                    1,
                    now,
                    now,
                    None,
                )
                members = []
                for row in member_rows:
                    member_id += 1
                    members.append((member_id, household_id, *row))
                reviews = []
                dwelling = self.dwelling(first, size)
                for y, target in zip(years, (first, second), strict=True):
                    if y != years[0] and target != first:
                        dwelling = self.dwelling(target, size)
                    income, dwelling, ev = self.evaluate(facts, dwelling, target, urban[y], y)
                    status = APPROVED
                    if y == self.year and submitted_left:
                        status = SUBMITTED
                        submitted_left -= 1
                    deprived = ev.deprived
                    review_id += 1
                    reviews.append(
                        (
                            review_id,
                            household_id,
                            round_ids[y],
                            commune.pk,
                            commune.path,
                            y,
                            dates[y],
                            standard_ids[y],
                            urban[y],
                            income,
                            dwelling.nondurable_parts,
                            dwelling.floor_area_m2,
                            dwelling.water_source,
                            dwelling.latrine,
                            dwelling.uses_internet,
                            dwelling.has_information_device,
                            dwelling.waste_treatment,
                            dwelling.uses_digital_services,
                            *(deprived.get(n, False) for n in COLUMN_NUMBERS),
                            revisions[y],
                            poverty_lines[y][urban[y]],
                            None,
                            "",
                            None,
                            dumps({str(n): s for n, s in ev.sources.items()}),
                            dumps({str(n): list(v) for n, v in ev.reasons.items()}),
                            "{}",  # no overrides: every indicator from the facts
                            False,
                            ev.count,
                            ev.classification,
                            ev.member_count,
                            status,
                            "",
                            True,
                            None,
                            now,
                            None,
                            now if status == APPROVED else None,
                            1,
                            now,
                            now,
                        )
                    )
                yield household, members, reviews
            population[commune.pk] = (counts[commune.pk], persons)

    # --- the run --------------------------------------------------------------------------

    def run(self) -> dict:
        started = time.monotonic()
        from households.organisation.selectors import area_tree_for_year

        # The units of the year's tree (the 2023 tree for a 2023 province).
        units = area_tree_for_year(self.year).filter(level=Area.Level.COMMUNE)
        if self.commune_codes is not None:
            units = Area.objects.filter(level=Area.Level.COMMUNE, code__in=self.commune_codes)
        communes = list(units.select_related("parent").order_by("code"))
        if not communes:
            raise CommandError("Chưa có cây địa bàn: chạy load_reference_data trước.")
        years = (self.year - 1, self.year)
        totals = {"households": 0, "members": 0, "reviews": 0}
        with transaction.atomic():
            hamlets = self.hamlets(communes)
            counts = self.allocation(communes)
            rounds = self.rounds(communes, years)
            prefix = f"G{self.year % 100:02d}"
            serial = Household.objects.filter(code__startswith=prefix).count()
            writer = CopyWriter() if self.copy else BulkWriter()
            self.serials = self.citizen_serials()
            ids = writer.start()
            population: dict[int, tuple[int, int]] = {}
            batch: tuple[list, list, list] = ([], [], [])
            try:
                for household, members, reviews in self.rows(
                    communes, hamlets, counts, rounds, ids, serial, population
                ):
                    batch[0].append(household)
                    batch[1].extend(members)
                    batch[2].extend(reviews)
                    if len(batch[0]) >= BATCH:
                        self.flush(writer, batch, totals)
                        batch = ([], [], [])
                self.flush(writer, batch, totals)
            finally:
                writer.stop()
            writer.finish()
            self.populations(population, years)
            self.lock(communes, years[0])
            written = time.monotonic()
        committed = time.monotonic()
        writer.analyze()
        self.out.write(
            f"  ghi xong {written - started:.1f} s, commit {committed - written:.1f} s,"
            f" ANALYZE {time.monotonic() - committed:.1f} s"
        )
        totals["seconds"] = round(time.monotonic() - started, 1)
        return totals

    def flush(self, writer, batch, totals) -> None:
        if not batch[0]:
            return
        started = time.monotonic()
        writer.write(batch)
        self.write_seconds += time.monotonic() - started
        totals["households"] += len(batch[0])
        totals["members"] += len(batch[1])
        totals["reviews"] += len(batch[2])
        self.out.write(f"  {totals['households']:>8} hộ (ghi {self.write_seconds:.1f} s)")

    def standard_of(self, year: int):
        """The national standard of `year` (the later years of --until read theirs too)."""
        if year not in self.standards:
            self.standards[year] = standard_for_year(year)
        return self.standards[year]

    def rounds(self, communes: list[Area], years) -> dict[tuple[int, int], int]:
        existing = {
            (r.area_id, r.year): r.pk
            for r in ReviewRound.objects.filter(
                area__in=communes, year__in=years, kind=ReviewRound.Kind.PERIODIC, month=0
            )
        }
        missing = [
            ReviewRound(
                area=commune,
                year=y,
                kind=ReviewRound.Kind.PERIODIC,
                month=0,
                reference_date=default_reference_date(y),
                standard=self.standard_of(y),
            )
            for commune in communes
            for y in years
            if (commune.pk, y) not in existing
        ]
        # One by one (a few hundred): save() returns the id on every backend.
        for round_ in missing:
            round_.save()
            existing[round_.area_id, round_.year] = round_.pk
        return existing

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


class BulkWriter:
    """Any backend: model instances from the rows, bulk_create with the generator's ids."""

    def start(self) -> dict[str, int]:
        return {
            "household": Household.objects.aggregate(m=Max("id"))["m"] or 0,
            "member": Member.objects.aggregate(m=Max("id"))["m"] or 0,
            "review": HouseholdReview.objects.aggregate(m=Max("id"))["m"] or 0,
        }

    def write(self, batch) -> None:
        for (model, columns), rows in zip(TABLES, batch, strict=True):
            model.objects.bulk_create(
                (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
            )

    def stop(self) -> None:
        pass

    def finish(self) -> None:
        pass

    def analyze(self) -> None:
        pass


class CopyWriter:
    """PostgreSQL: COPY FROM STDIN, the three tables locked while the run reserves ids.

    The COPY runs in a worker thread on the same connection and transaction, so that the
    server digests one batch while Python builds the next (the main thread sends no query
    meanwhile).
    """

    def __init__(self) -> None:
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()  # the raw psycopg cursor
        self.last = {}
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="generate-copy", daemon=True)

    def start(self) -> dict[str, int]:
        # Foreign keys checked at the end of each COPY (in the worker, while Python builds the
        # next batch) rather than all at once at commit.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        ids = {}
        for key, (model, _columns) in zip(("household", "member", "review"), TABLES, strict=True):
            table = model._meta.db_table
            # Inserts by others wait for the commit; the sequence is moved past our ids at the end.
            self.cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            self.cursor.execute(
                f"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}),"  # noqa: S608 - model table names
                f" nextval(pg_get_serial_sequence('{table}', 'id')))"
            )
            ids[key] = self.cursor.fetchone()[0]
        self.thread.start()
        return ids

    def write(self, batch) -> None:
        if self.error is not None:
            self.thread.join()
            raise self.error
        self.queue.put(batch)

    def _work(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain: the main thread raises at its next write or at finish
            try:
                self._copy(batch)
            except BaseException as error:  # handed to the main thread
                self.error = error

    def _copy(self, batch) -> None:
        for (model, columns), rows in zip(TABLES, batch, strict=True):
            if not rows:
                continue
            sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with self.cursor.copy(sql) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
            self.last[model] = rows[-1][0]

    def stop(self) -> None:
        """Let the worker finish what it has and end (also when the run fails)."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def finish(self) -> None:
        self.stop()
        if self.error is not None:
            raise self.error
        for model, last in self.last.items():
            table = model._meta.db_table
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", (last,)
            )

    def analyze(self) -> None:
        """Planner statistics, and (outside a transaction) the visibility map: freshly copied
        rows are not all-visible until VACUUM, and the list's counts rely on index-only scans."""
        tables = [model._meta.db_table for model, _columns in TABLES]
        tables += [Area._meta.db_table, AreaPopulation._meta.db_table, ReviewRound._meta.db_table]
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(tables)}")
