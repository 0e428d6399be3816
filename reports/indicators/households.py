"""Households family: the annual review results (Circular 07/2021, Phụ lục VII).

Official figures count only approved reviews that stand for their household in the year
(`is_current`). Rates are over the area's resident households of the year (AreaPopulation),
never over the households that happen to be in the registry (domain §2).

Movements are derived at every rebuild from the approved reviews of the year and the year
before (never remembered on a review, so correcting an earlier year corrects the movement):
one set-based query pairs each household's two classifications per area and counts the pairs
(`movement_matrix`), and the per-household rule `households.rules.movement_counts` says what
each pair adds to. The identity then holds for every area, and the start of a year is the
previous year's official end (`households.rules.MOVEMENT_IDENTITY`):
    poor_start - poor_escaped - poor_to_near_poor - poor_other_out
        + poor_newly + poor_reimpoverished + poor_other_in = poor_households
    near_start - near_escaped - near_to_poor - near_other_out
        + near_from_poor + near_newly + near_returned + near_other_in = near_poor_households
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from households import rules
from households.models import AreaPopulation, Household, HouseholdReview, Member, PovertyStandard
from households.models.reviews import COLUMN_FIELDS, COLUMN_NAMES, COLUMN_NUMBERS
from households.selectors import MEMBER_FACT_FIELDS, member_facts_from

from .base import Counts, Good, Indicator, Kind, Unit

POOR, NEAR = rules.POOR, rules.NEAR_POOR
NOT_POOR_NOR_NEAR = (rules.AVERAGE, rules.ABOVE)
DEPRIVATION_NAMES = COLUMN_NAMES
GROUPS = {
    "meritorious": ("is_meritorious", _("hộ người có công")),
    "ethnic": ("is_ethnic_minority", _("hộ dân tộc thiểu số")),
    "no_labour": ("no_labour_capacity", _("hộ không có khả năng lao động")),
    "social_protection": ("is_social_protection", _("hộ có người hưởng bảo trợ xã hội")),
}

H, P, PCT, PTS = Unit.HOUSEHOLDS, Unit.PERSONS, Unit.PERCENT, Unit.POINTS


def _change(values) -> float | None:
    now, before = values.get("poor_rate"), values.get("prev_poor_rate")
    if now is None or before is None:
        return None
    return round(now - before, 2)


def _indicators() -> tuple[Indicator, ...]:
    items = [
        Indicator("population_households", _("Tổng số hộ dân cư"), H),
        Indicator("population_persons", _("Tổng số nhân khẩu"), P),
        Indicator("reviewed_households", _("Số hộ có phiếu rà soát được duyệt"), H),
        Indicator("pending_reviews", _("Số phiếu đang chờ huyện duyệt"), H),
        Indicator("poor_households", _("Số hộ nghèo"), H, Good.DOWN),
        Indicator("poor_persons", _("Số nhân khẩu hộ nghèo"), P, Good.DOWN),
        Indicator("near_poor_households", _("Số hộ cận nghèo"), H, Good.DOWN),
        Indicator("near_poor_persons", _("Số nhân khẩu hộ cận nghèo"), P, Good.DOWN),
        Indicator("poor_near_households", _("Số hộ nghèo và cận nghèo"), H, Good.DOWN),
        Indicator("prev_poor_households", _("Số hộ nghèo năm trước"), H, internal=True),
        Indicator("prev_population_households", _("Tổng số hộ năm trước"), H, internal=True),
    ]
    ratios = [
        ("poor_rate", _("Tỷ lệ hộ nghèo"), "poor_households", "population_households"),
        ("near_poor_rate", _("Tỷ lệ hộ cận nghèo"), "near_poor_households", "population_households"),
        ("poor_near_rate", _("Tỷ lệ hộ nghèo và cận nghèo"), "poor_near_households",
         "population_households"),
        ("poor_persons_rate", _("Tỷ lệ nhân khẩu hộ nghèo"), "poor_persons", "population_persons"),
        ("near_poor_persons_rate", _("Tỷ lệ nhân khẩu hộ cận nghèo"), "near_poor_persons",
         "population_persons"),
        ("prev_poor_rate", _("Tỷ lệ hộ nghèo năm trước"), "prev_poor_households",
         "prev_population_households"),
    ]  # fmt: skip
    items += [
        Indicator(
            code, name, PCT, Good.DOWN, Kind.RATIO, num, den, internal=code == "prev_poor_rate"
        )
        for code, name, num, den in ratios
    ]
    items.append(
        Indicator(
            "poor_rate_change",
            _("Tỷ lệ hộ nghèo tăng (+) / giảm (-) so với năm trước"),
            PTS,
            Good.DOWN,
            Kind.DERIVED,
            formula=_change,
            description=_("điểm phần trăm"),
        )
    )
    movements = [
        ("poor_start", _("Hộ nghèo đầu kỳ")),
        ("poor_escaped", _("Thoát nghèo (lên trên cận nghèo)")),
        ("poor_to_near_poor", _("Thoát nghèo, thành hộ cận nghèo")),
        ("poor_other_out", _("Hộ nghèo giảm khác (chuyển đi, nhập hộ, không còn, chưa rà soát)")),
        ("poor_newly", _("Hộ nghèo phát sinh mới")),
        ("poor_reimpoverished", _("Hộ tái nghèo")),
        ("poor_other_in", _("Hộ nghèo tăng khác (chuyển đến, tách hộ, năm trước chưa rà soát)")),
        ("near_start", _("Hộ cận nghèo đầu kỳ")),
        ("near_escaped", _("Thoát cận nghèo")),
        ("near_to_poor", _("Cận nghèo thành hộ nghèo")),
        (
            "near_other_out",
            _("Hộ cận nghèo giảm khác (chuyển đi, nhập hộ, không còn, chưa rà soát)"),
        ),
        ("near_from_poor", _("Hộ nghèo thành hộ cận nghèo")),
        ("near_newly", _("Hộ cận nghèo phát sinh mới")),
        ("near_returned", _("Hộ tái cận nghèo")),
        (
            "near_other_in",
            _("Hộ cận nghèo tăng khác (chuyển đến, tách hộ, năm trước chưa rà soát)"),
        ),
    ]
    items += [Indicator(code, name, H) for code, name in movements]
    for prefix, among, total in (
        ("poor", _("Hộ nghèo"), "poor_households"),
        ("near", _("Hộ cận nghèo"), "near_poor_households"),
    ):
        for n in COLUMN_NUMBERS:
            code = f"{prefix}_d{n:02d}"
            name = DEPRIVATION_NAMES[n]
            items.append(Indicator(code, format_lazy(_("{} thiếu hụt {}"), among, name), H))
            items.append(Indicator(f"{code}_rate", name, PCT, Good.DOWN, Kind.RATIO, code, total))
        for group, (_field, label) in GROUPS.items():
            items.append(Indicator(f"{prefix}_{group}", format_lazy("{} – {}", among, label), H))
    # Low-income workers (Decree 30/2025/NĐ-CP), persons, by sex and age group.
    items.append(Indicator("low_income_workers", _("Người lao động có thu nhập thấp"), P))
    items.append(Indicator("low_income_male", _("Người lao động có thu nhập thấp – nam"), P))
    items.append(Indicator("low_income_female", _("Người lao động có thu nhập thấp – nữ"), P))
    for code, low, high in rules.LOW_INCOME_AGE_GROUPS:
        label = f"{low}-{high}" if high else f"{low}+"
        items.append(
            Indicator(
                f"low_income_age_{code}",
                format_lazy(_("Người lao động có thu nhập thấp – {} tuổi"), label),
                P,
            )
        )
    # The local standard's statuses: never mixed with the national ones above.
    items.append(Indicator("local_poor_households", _("Số hộ nghèo theo chuẩn địa phương"), H))
    items.append(
        Indicator("local_near_poor_households", _("Số hộ cận nghèo theo chuẩn địa phương"), H)
    )
    return tuple(items)


INDICATORS = _indicators()
LOW_INCOME_CODES = (
    "low_income_workers",
    "low_income_male",
    "low_income_female",
    *(f"low_income_age_{code}" for code, _low, _high in rules.LOW_INCOME_AGE_GROUPS),
)


def _aggregates(year: int) -> dict:
    cur, prev = Q(year=year), Q(year=year - 1)
    poor, near = Q(classification=POOR), Q(classification=NEAR)
    aggs = {
        "reviewed_households": Count("id", filter=cur),
        "poor_households": Count("id", filter=cur & poor),
        "poor_persons": Sum("member_count", filter=cur & poor),
        "near_poor_households": Count("id", filter=cur & near),
        "near_poor_persons": Sum("member_count", filter=cur & near),
        "prev_poor_households": Count("id", filter=prev & poor),
        "local_poor_households": Count("id", filter=cur & Q(local_classification=POOR)),
        "local_near_poor_households": Count("id", filter=cur & Q(local_classification=NEAR)),
    }
    for prefix, klass in (("poor", poor), ("near", near)):
        for n, field in zip(COLUMN_NUMBERS, COLUMN_FIELDS, strict=True):
            aggs[f"{prefix}_d{n:02d}"] = Count("id", filter=cur & klass & Q(**{field: True}))
        for group, (field, _label) in GROUPS.items():
            aggs[f"{prefix}_{group}"] = Count(
                "id", filter=cur & klass & Q(**{f"household__{field}": True})
            )
    return aggs


# Where a household's pair of years counts: the unit its review of this year was filed in,
# else (it left the lists or was not reviewed) the unit of last year's review carried to that
# unit's successor in this year's tree (_carry_to_tree), else its present commune. The same
# attribution as the other counts of the family (_filed_in), so start - out + in = end holds in
# every unit of the year's tree, across a reorganisation too.
MATRIX_SQL = """
SELECT COALESCE(a_cur, a_prev) AS area_id, p, c, ever, COUNT(*)
FROM (
  SELECT a_cur, a_prev, p, c,
    CASE
      WHEN c = 'poor' AND p IN ('near_poor', 'average', 'above') THEN
        CASE WHEN EXISTS (
          SELECT 1 FROM {review} e WHERE e.household_id = pairs.household_id
            AND e.year < %s AND e.is_current AND e.status = 'approved'
            AND e.classification = 'poor') THEN 1 ELSE 0 END
      WHEN c = 'near_poor' AND p IN ('average', 'above') THEN
        CASE WHEN EXISTS (
          SELECT 1 FROM {review} e WHERE e.household_id = pairs.household_id
            AND e.year < %s AND e.is_current AND e.status = 'approved'
            AND e.classification = 'near_poor') THEN 1 ELSE 0 END
      ELSE 0
    END AS ever
  FROM (
    SELECT r.household_id,
      MAX(CASE WHEN r.year = %s THEN r.classification END) AS p,
      MAX(CASE WHEN r.year = %s THEN r.classification END) AS c,
      MAX(CASE WHEN r.year = %s THEN COALESCE(r.area_id, h.commune_id) END) AS a_prev,
      MAX(CASE WHEN r.year = %s THEN COALESCE(r.area_id, h.commune_id) END) AS a_cur
    FROM {review} r JOIN {household} h ON h.id = r.household_id
    WHERE r.year IN (%s, %s) AND r.is_current AND r.status = 'approved'
      -- Only households on a list in one of the two years (a few percent): found through the
      -- (year, is_current, classification) index, their other year through (household, year).
      AND r.household_id IN (
        SELECT l.household_id FROM {review} l
        WHERE l.year IN (%s, %s) AND l.is_current AND l.status = 'approved'
          AND l.classification IN ('poor', 'near_poor'))
    GROUP BY r.household_id
  ) pairs
  WHERE p IN ('poor', 'near_poor') OR c IN ('poor', 'near_poor')
) flows
GROUP BY COALESCE(a_cur, a_prev), p, c, ever
"""


def movement_matrix(year: int) -> list[tuple[int, str | None, str | None, bool, int]]:
    """(area id, last year's class, this year's class, ever on this year's list before last
    year, households) for every pair that touches the poor or near-poor list: one grouped query
    over the approved reviews of the two years (set-based, PostgreSQL and SQLite)."""
    sql = MATRIX_SQL.format(
        review=HouseholdReview._meta.db_table, household=Household._meta.db_table
    )
    previous = year - 1
    params = [previous, previous, previous, year, previous, year, previous, year, previous, year]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(a, p, c, bool(ever), n) for a, p, c, ever, n in cursor.fetchall()]


# The ends of the lists are counted with the other aggregates (the identity compares them).
ENDS = frozenset({"poor_households", "near_poor_households"})


def movement_compute(year: int) -> Counts:
    """The movement counts per area: each cell of the matrix through the per-household rule."""
    counts: Counts = defaultdict(int)
    in_tree, successor = _tree_and_successors(year)
    for area_id, previous, current, ever, n in movement_matrix(year):
        if area_id not in in_tree:  # last year's unit, closed since: its successor now
            area_id = successor.get(area_id, area_id)
        codes = rules.movement_counts(
            previous,
            current,
            ever_poor=ever and current == POOR,
            ever_near_poor=ever and current == NEAR,
        )
        for code in codes:
            if code not in ENDS:
                counts[(code, area_id)] += n
    return dict(counts)


# Last year's figures of a unit closed since are counted in the unit it went into, so a new
# unit's "change from last year" compares like with like.
PREVIOUS_YEAR_CODES = ("prev_poor_households", "prev_population_households")


def _filed_in():
    """The unit a review was filed in (kept when its household moves on), else the household's."""
    return Coalesce(F("area_id"), F("household__commune_id"), output_field=BigIntegerField())


def _tree_and_successors(year: int) -> tuple[set[int], dict[int, int]]:
    """The units of the year's tree, and each closed unit's final successor in it."""
    from households.organisation.rules import tree_date_for_year
    from households.organisation.selectors import area_tree_for_year, final_successor_map

    in_tree = set(area_tree_for_year(year).values_list("id", flat=True))
    return in_tree, final_successor_map(tree_date_for_year(year))


def _carry_previous(counts: Counts, year: int) -> Counts:
    in_tree, successor = _tree_and_successors(year)
    out: Counts = {}
    for (code, area_id), value in counts.items():
        if code in PREVIOUS_YEAR_CODES and area_id not in in_tree and area_id in successor:
            area_id = successor[area_id]
        out[(code, area_id)] = out.get((code, area_id), 0) + value
    return out


def compute(year: int) -> Counts:
    """Every count of the family per commune: one grouped query over the reviews of two years,
    and the movement matrix."""
    counts: Counts = movement_compute(year)
    rows = (
        HouseholdReview.objects.filter(
            year__in=(year, year - 1), is_current=True, status=HouseholdReview.Status.APPROVED
        )
        .values(unit=_filed_in())
        .annotate(**_aggregates(year))
        .order_by()
    )
    for row in rows:
        commune = row.pop("unit")
        for code, value in row.items():
            counts[(code, commune)] = value or 0
        counts[("poor_near_households", commune)] = (
            counts[("poor_households", commune)] + counts[("near_poor_households", commune)]
        )
    pending = (
        HouseholdReview.objects.filter(
            year=year, is_current=True, status=HouseholdReview.Status.SUBMITTED
        )
        .values(unit=_filed_in())
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in pending:
        counts[("pending_reviews", row["unit"])] = row["n"]
    _low_income_counts(year, counts)
    populations = AreaPopulation.objects.filter(year__in=(year, year - 1)).values_list(
        "area_id", "year", "households", "persons"
    )
    for area_id, pop_year, households, persons in populations:
        if pop_year == year:
            counts[("population_households", area_id)] = households
            counts[("population_persons", area_id)] = persons
        else:
            counts[("prev_population_households", area_id)] = households
    return _carry_previous(counts, year)


def _low_income_counts(year: int, counts: Counts) -> None:
    """Low-income workers of the year's approved reviews, per commune, by sex and age group:
    members of households neither poor nor near-poor at or below the low-income line, checked
    one by one by households.rules.is_low_income_worker (ages need the reference date)."""
    standard = PovertyStandard.objects.filter(
        year_from__lte=year, year_to__gte=year, scope=PovertyStandard.Scope.NATIONAL
    ).first()
    rule = standard.low_income_rule(year) if standard else None
    if rule is None:
        return
    reviews = HouseholdReview.objects.filter(
        year=year, is_current=True, status=HouseholdReview.Status.APPROVED
    ).filter(
        Q(is_urban=False, income_per_capita__lte=rule.rural_line)
        | Q(is_urban=True, income_per_capita__lte=rule.urban_line),
        classification__in=NOT_POOR_NOR_NEAR,
    )
    found = {
        household_id: (commune_id, on, income, urban, klass)
        for household_id, commune_id, on, income, urban, klass in reviews.annotate(unit=_filed_in())
        .values_list(
            "household_id",
            "unit",
            "reference_date",
            "income_per_capita",
            "is_urban",
            "classification",
        )
        .iterator(chunk_size=5000)
    }
    if not found:
        return
    members = Member.objects.filter(household_id__in=reviews.values("household_id")).values(
        "household_id", *MEMBER_FACT_FIELDS
    )
    for row in members.iterator(chunk_size=5000):
        commune_id, on, income, urban, klass = found[row["household_id"]]
        member = member_facts_from(row)
        if rules.members_on([member], on) and rules.is_low_income_worker(
            member,
            on=on,
            income_per_capita=income,
            is_urban=urban,
            classification=klass,
            rule=rule,
        ):
            sex = "low_income_female" if member.is_female else "low_income_male"
            group = f"low_income_age_{rules.age_group(rules.age_on(member.date_of_birth, on))}"
            for code in ("low_income_workers", sex, group):
                counts[(code, commune_id)] = counts.get((code, commune_id), 0) + 1
