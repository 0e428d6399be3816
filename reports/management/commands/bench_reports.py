"""Benchmark: the full rebuild of a year against hand-written SQL over the same data computing
the same counts (the households family and programme coverage), the plans of the rebuild's
queries, and the dashboard page time.

    manage.py bench_reports --year 2023 --runs 5 --requests 30

The rebuild and the hand-written statements run alternately in one process, `--runs` times
each; the medians are compared. The hand-written statements are printed (`--sql`).
"""

from __future__ import annotations

import json
import re
import statistics
import time
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import rules as household_rules
from households.models import Area, HouseholdReview
from households.organisation import roles
from reports.indicators import families
from reports.indicators.households import MATRIX_SQL
from reports.models import RebuildJob
from reports.services import REBUILD_SETTINGS, snapshot_rebuild

KLASSES = ("poor", "near_poor")
GROUP_FIELDS = (
    "is_meritorious",
    "is_ethnic_minority",
    "no_labour_capacity",
    "is_social_protection",
)
DEPRIVATIONS = ",\n  ".join(
    f"COUNT(*) FILTER (WHERE r.classification = '{klass}' AND r.d{n:02d})"
    for klass in KLASSES
    for n in range(1, 13)
)
GROUPS = ",\n  ".join(
    f"COUNT(*) FILTER (WHERE r.classification = '{klass}' AND h.{field})"
    for klass in KLASSES
    for field in GROUP_FIELDS
)
# Everything the households family shows, per unit the review was filed in: reviewed, poor
# and near-poor households and persons, the 12 deprivations among each, the four groups among
# each (household columns: joined for the listed households only), last year's poor households,
# the pending reviews, the populations of both years; the movements are MATRIX_SQL (one
# hand-written statement already, shared with the rebuild).
HOUSEHOLDS_SQL = f"""
SELECT 'year', r.area_id,
  COUNT(*),
  COUNT(*) FILTER (WHERE r.classification = 'poor'),
  COALESCE(SUM(r.member_count) FILTER (WHERE r.classification = 'poor'), 0),
  COUNT(*) FILTER (WHERE r.classification = 'near_poor'),
  COALESCE(SUM(r.member_count) FILTER (WHERE r.classification = 'near_poor'), 0),
  {DEPRIVATIONS}
FROM households_householdreview r
WHERE r.year = %(y)s AND r.is_current AND r.status = 'approved'
GROUP BY r.area_id;
SELECT 'groups', r.area_id,
  {GROUPS}
FROM households_householdreview r JOIN households_household h ON h.id = r.household_id
WHERE r.year = %(y)s AND r.is_current AND r.status = 'approved'
  AND r.classification IN ('poor', 'near_poor')
GROUP BY r.area_id;
SELECT 'previous', r.area_id, COUNT(*)
FROM households_householdreview r
WHERE r.year = %(p)s AND r.is_current AND r.status = 'approved' AND r.classification = 'poor'
GROUP BY r.area_id;
SELECT 'pending', r.area_id, COUNT(*)
FROM households_householdreview r
WHERE r.year = %(y)s AND r.is_current AND r.status = 'submitted'
GROUP BY r.area_id;
SELECT 'population', area_id, year, households, persons
FROM households_areapopulation WHERE year IN (%(y)s, %(p)s)
"""  # noqa: S608 - constant SQL, parameters bound by the driver

# Programme coverage (programs.selectors.coverage_counts_by_commune), by hand: the households
# on a list this year or in the escape window, each with this year's review; a card, a loan, a
# support record as EXISTS; school-age children of this year's listed households; workers.
COVERAGE_SQL = """
WITH listed AS (
  SELECT DISTINCT l.household_id FROM households_householdreview l
  WHERE l.year BETWEEN %(w)s AND %(y)s AND l.is_current AND l.status = 'approved'
    AND l.classification IN ('poor', 'near_poor')
), hh AS (
  SELECT h.id, h.wants_loan, h.is_meritorious, r.classification AS cls,
    COALESCE(r.area_id, h.commune_id) AS unit
  FROM listed JOIN households_household h ON h.id = listed.household_id
  LEFT JOIN households_householdreview r ON r.household_id = h.id AND r.year = %(y)s
    AND r.is_current AND r.status = 'approved'
), flags AS (
  SELECT hh.*,
    NOT EXISTS (
      SELECT 1 FROM households_member m WHERE m.household_id = hh.id
        AND m.date_of_birth <= %(card_born)s
        AND (m.joined_on IS NULL OR m.joined_on <= %(end)s)
        AND (m.left_on IS NULL OR m.left_on > %(end)s)
        AND NOT (m.has_health_insurance AND (m.health_insurance_expiry IS NULL
                 OR m.health_insurance_expiry >= %(end)s))
        AND NOT EXISTS (
          SELECT 1 FROM programs_supportrecord s JOIN programs_programme p ON p.id = s.programme_id
          WHERE s.member_id = m.id AND p.kind = 'health_card' AND s.date <= %(end)s
            AND (s.valid_until IS NULL OR s.valid_until >= %(end)s))
    ) AS covered,
    EXISTS (
      SELECT 1 FROM programs_supportrecord s JOIN programs_programme p ON p.id = s.programme_id
      WHERE s.household_id = hh.id AND p.kind = 'credit' AND s.date <= %(end)s
        AND (s.date >= %(start)s OR s.valid_until >= %(start)s)
    ) AS credit,
    EXISTS (
      SELECT 1 FROM programs_supportrecord s WHERE s.household_id = hh.id
        AND s.date <= %(end)s AND (s.date >= %(start)s OR s.valid_until >= %(start)s)
    ) AS support
  FROM hh
)
SELECT 'households', unit,
  COUNT(*) FILTER (WHERE cls IN ('poor', 'near_poor')),
  COUNT(*) FILTER (WHERE cls IN ('poor', 'near_poor') AND covered),
  COUNT(*) FILTER (WHERE wants_loan),
  COUNT(*) FILTER (WHERE wants_loan AND credit),
  COUNT(*) FILTER (WHERE cls = 'poor' AND is_meritorious),
  COUNT(*) FILTER (WHERE cls = 'poor' AND is_meritorious AND support)
FROM flags GROUP BY unit;
SELECT 'children', r.area_id, COUNT(*),
  COUNT(*) FILTER (WHERE EXISTS (
    SELECT 1 FROM programs_supportrecord s JOIN programs_programme p ON p.id = s.programme_id
    WHERE s.member_id = m.id AND p.kind = 'tuition' AND s.date <= %(end)s
      AND (s.date >= %(start)s OR s.valid_until >= %(start)s)))
FROM households_householdreview r JOIN households_member m ON m.household_id = r.household_id
WHERE r.year = %(y)s AND r.is_current AND r.status = 'approved'
  AND r.classification IN ('poor', 'near_poor')
  AND m.date_of_birth <= %(school_born)s AND m.date_of_birth > %(school_over)s
  AND (m.joined_on IS NULL OR m.joined_on <= %(end)s)
  AND (m.left_on IS NULL OR m.left_on > %(end)s)
GROUP BY r.area_id;
SELECT 'workers', COALESCE(r.area_id, h.commune_id),
  COUNT(DISTINCT s.member_id) FILTER (WHERE p.kind = 'training'),
  COUNT(DISTINCT s.member_id) FILTER (WHERE p.kind = 'job'),
  COUNT(DISTINCT s.member_id) FILTER (WHERE p.kind = 'abroad')
FROM programs_supportrecord s JOIN programs_programme p ON p.id = s.programme_id
JOIN households_household h ON h.id = s.household_id
LEFT JOIN households_householdreview r ON r.household_id = s.household_id AND r.year = %(y)s
  AND r.is_current
WHERE s.member_id IS NOT NULL AND s.date BETWEEN %(start)s AND %(end)s
GROUP BY 2
"""

SCANNED = ("households_household", "households_householdreview", "households_member")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]


def _params(year: int) -> dict:
    from programs import rules as programme_rules

    end = date(year, 12, 31)
    return {
        "y": year,
        "p": year - 1,
        "w": year - programme_rules.ESCAPE_WINDOW_YEARS,
        "start": date(year, 1, 1),
        "end": end,
        "card_born": household_rules.latest_birth_date_for_age(
            household_rules.HEALTH_CARD_MIN_AGE, end
        ),
        "school_born": household_rules.latest_birth_date_for_age(
            programme_rules.SCHOOL_AGE_FROM, end
        ),
        "school_over": household_rules.latest_birth_date_for_age(
            programme_rules.SCHOOL_AGE_TO, end
        ),
    }


def _matrix_sql(year: int) -> tuple[str, list]:
    sql = MATRIX_SQL.format(review="households_householdreview", household="households_household")
    p = year - 1
    return sql, [p, p, p, year, p, year, p, year, p, year]


def _plan_nodes(plan: dict, out: list[tuple[str, str]]) -> None:
    out.append((plan["Node Type"], plan.get("Relation Name", "")))
    for child in plan.get("Plans", []):
        _plan_nodes(child, out)


class Command(BaseCommand):
    help = "Đo thời gian tính lại số liệu so với SQL viết tay, kế hoạch truy vấn, trang tổng quan."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, default=2023)
        parser.add_argument("--runs", type=int, default=5, help="số lần chạy xen kẽ (trung vị)")
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument("--sql", action="store_true", help="in các câu SQL viết tay")
        parser.add_argument("--no-pages", action="store_true")

    def handle(self, *args, year: int, runs: int, requests: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_reports đo trên PostgreSQL.")
        reviews = HouseholdReview.objects.filter(year=year).count()
        self.stdout.write(f"{reviews:,} phiếu rà soát năm {year}")
        params = _params(year)
        timings: dict[str, list[float]] = {"households": [], "coverage": [], "rebuild": []}
        for run in range(max(runs, 1)):
            order = ("sql", "rebuild") if run % 2 == 0 else ("rebuild", "sql")
            for what in order:
                if what == "sql":
                    households, coverage = self._hand_written(year, params)
                    timings["households"].append(households)
                    timings["coverage"].append(coverage)
                else:
                    started = time.perf_counter()
                    job = snapshot_rebuild(year=year, trigger=RebuildJob.Trigger.COMMAND)
                    timings["rebuild"].append(time.perf_counter() - started)
                    if job.status != RebuildJob.Status.DONE:
                        raise CommandError(f"rebuild failed: {job.error}")
        med = {k: statistics.median(v) for k, v in timings.items()}
        floor = med["households"] + med["coverage"]
        self.stdout.write(f"median of {runs} alternating runs (ms: {self._list(timings)})")
        self.stdout.write(f"  hand-written SQL, households family: {_ms(med['households'])}")
        self.stdout.write(f"  hand-written SQL, programme coverage: {_ms(med['coverage'])}")
        self.stdout.write(f"  full rebuild of {year} ({job.rows:,} values): {_ms(med['rebuild'])}")
        self.stdout.write(f"  ratio rebuild / hand-written SQL: {med['rebuild'] / floor:.2f}x")
        family_times = self._families(year)
        for name, seconds in family_times.items():
            self.stdout.write(f"  family {name + ':':<12} {_ms(seconds)}")
        self._plans(year)
        if options["sql"]:
            matrix, _matrix_params = _matrix_sql(year)
            self.stdout.write("-- households family\n" + HOUSEHOLDS_SQL + ";\n" + matrix)
            self.stdout.write("-- programme coverage\n" + COVERAGE_SQL)
        if not options["no_pages"]:
            self._pages(year, requests)

    @staticmethod
    def _list(timings: dict[str, list[float]]) -> str:
        return "; ".join(
            f"{name} " + ", ".join(f"{t * 1000:.0f}" for t in values)
            for name, values in timings.items()
        )

    def _hand_written(self, year: int, params: dict) -> tuple[float, float]:
        """Both hand-written parts, each in a transaction with the rebuild's settings."""
        results = []
        for sql in (HOUSEHOLDS_SQL, COVERAGE_SQL):
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                for name, value in REBUILD_SETTINGS:
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
                for statement in _statements(sql):
                    cursor.execute(statement, params)
                    cursor.fetchall()
                if sql is HOUSEHOLDS_SQL:
                    matrix, matrix_params = _matrix_sql(year)
                    cursor.execute(matrix, matrix_params)
                    cursor.fetchall()
            results.append(time.perf_counter() - started)
        return results[0], results[1]

    def _families(self, year: int) -> dict[str, float]:
        out = {}
        for module in families():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for name, value in REBUILD_SETTINGS:
                        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
                started = time.perf_counter()
                module.compute(year)
                out[module.__name__.rsplit(".", 1)[-1]] = time.perf_counter() - started
        return out

    def _plans(self, year: int) -> None:
        """EXPLAIN (ANALYZE, BUFFERS) of every read of the rebuild: node types, and any
        sequential scan of the registry's big tables."""
        with CaptureQueriesContext(connection) as captured:
            snapshot_rebuild(year=year, trigger=RebuildJob.Trigger.COMMAND)
        seen: dict[str, int] = {}
        warnings = []
        with transaction.atomic(), connection.cursor() as cursor:
            for name, value in REBUILD_SETTINGS:
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
            for query in captured.captured_queries:
                sql = query["sql"]
                if not re.match(r"\s*(SELECT|WITH)\b", sql, re.IGNORECASE) or "FROM" not in sql:
                    continue
                if not any(table in sql for table in SCANNED):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                plan = plan if isinstance(plan, list) else json.loads(plan)
                nodes: list[tuple[str, str]] = []
                _plan_nodes(plan[0]["Plan"], nodes)
                for node, relation in nodes:
                    seen[node] = seen.get(node, 0) + 1
                    if node == "Seq Scan" and relation in SCANNED:
                        warnings.append(
                            f"    Seq Scan on {relation} ({plan[0]['Execution Time']:.0f} ms): "
                            f"{sql[:160]}..."
                        )
        self.stdout.write(
            "plan nodes of the rebuild's reads: "
            + ", ".join(f"{node} x{n}" for node, n in sorted(seen.items()))
        )
        if warnings:
            self.stdout.write("  sequential scans of households/reviews/members:")
            for line in warnings:
                self.stdout.write(line)
        else:
            self.stdout.write("  no sequential scan of households, reviews or members")

    def _pages(self, year: int, requests: int) -> None:
        user, _created = get_user_model().objects.get_or_create(username="bench-reports")
        user.groups.set([Group.objects.get(name=roles.PROVINCIAL_STAFF)])
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
        urls = [reverse("reports:dashboard")]
        if district is not None:
            urls.append(reverse("reports:area-dashboard", args=[district.code]))
        try:
            for url in urls:
                client.get(f"{url}?year={year}")  # warm up
                times = []
                for _i in range(requests):
                    start = time.perf_counter()
                    response = client.get(f"{url}?year={year}")
                    times.append(time.perf_counter() - start)
                    if response.status_code != 200:
                        raise CommandError(f"{url}: HTTP {response.status_code}")
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                self.stdout.write(
                    f"page {url}: median {_ms(statistics.median(times))}, p95 {_ms(p95)}, "
                    f"max {_ms(max(times))} over {requests} requests (goal < 50 ms)"
                )
        finally:
            user.delete()
