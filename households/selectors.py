"""Reads of households, members and reviews, always through the organisation's area scoping
(households.organisation.selectors: `scoped`, `scope_paths`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from households.organisation import roles
from households.organisation.selectors import (
    EVERYTHING,
    commune_list_for_user,
    scope_paths,
    scope_q,
    scoped,
)

from . import rules
from .models import Area, Household, HouseholdReview, ReviewRound
from .types import AnyUser

if TYPE_CHECKING:
    from .models import Member, PovertyIndicator, PovertyStandard
    from .rules import MemberFacts


def household_list_for_user(user: AnyUser) -> QuerySet[Household]:
    return scoped(user, Household.objects.all())


def household_get_for_user(user: AnyUser, *, pk: int) -> Household:
    try:
        return household_list_for_user(user).select_related("commune", "hamlet").get(pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


def review_list_for_user(user: AnyUser) -> QuerySet[HouseholdReview]:
    """Reviews of the user's households, and the reviews filed in the user's units when they
    were made: an officer of a unit closed since keeps read access to its history (and gets
    nothing of the new tree until given a new scope)."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return HouseholdReview.objects.all()
    return HouseholdReview.objects.filter(
        scope_q(user, "household__area_path") | scope_q(user, "area_path")
    )


class NoStandardError(ValidationError):
    """No poverty standard is in force for a year: a message for whoever can add one."""

    def __init__(self, year: int, *, scope: str = "national") -> None:
        self.year = year
        super().__init__(
            _(
                "Chưa có chuẩn nghèo áp dụng cho năm %(year)s, nên chưa phân loại được hộ. "
                "Quản trị viên của tỉnh cần khai báo chuẩn nghèo cho năm này (Quản trị > Chuẩn "
                "nghèo); cán bộ xã, phường hãy báo Sở Nông nghiệp và Môi trường."
            )
            % {"year": year},
            code="no_standard",
        )


def standard_for_year(
    year: int, *, scope: str = "national", province_path: str = ""
) -> PovertyStandard:  # None only for scope "local" (see local_standard_for_year)
    """The standard in force for a year: the national one, or a province's local one (None when
    the province has no local standard). Raises NoStandardError when no national one covers it."""
    from .models import PovertyStandard

    standards = PovertyStandard.objects.filter(year_from__lte=year, year_to__gte=year, scope=scope)
    if scope == PovertyStandard.Scope.LOCAL:
        return _local_standard(standards, year, province_path)  # type: ignore[return-value]
    standard = standards.first()
    if standard is None:
        raise NoStandardError(year)
    return standard


def _local_standard(
    standards: QuerySet[PovertyStandard], year: int, path: str
) -> PovertyStandard | None:
    """The local standard of the province over `path`; a unit of a province closed by the
    year's reference date (a household not yet carried) has the standard of the successor."""
    if not path or not standards.exists():
        return None
    paths = rules.ancestor_paths(path)
    found = standards.filter(province__path__in=paths).first()
    if found is not None:
        return found
    from .organisation.rules import tree_date_for_year
    from .organisation.selectors import final_successor_map

    successors = final_successor_map(tree_date_for_year(year))
    ids = list(Area.objects.filter(path__in=paths).values_list("id", flat=True))
    later = [successors[i] for i in ids if i in successors]
    if not later:
        return None
    later_paths = Area.objects.filter(id__in=later).values_list("path", flat=True)
    wanted = {a for p in later_paths for a in rules.ancestor_paths(p)}
    return standards.filter(province__path__in=wanted).first()


def standard_for_round(round_: ReviewRound) -> PovertyStandard:
    """The standard a round classifies under (its own, else the one in force for its year)."""
    if round_.standard is not None:
        return round_.standard
    return standard_for_year(round_.year)


def indicator_specs(standard: PovertyStandard) -> tuple[rules.IndicatorSpec, ...]:
    """The standard's indicator set as rules.IndicatorSpec, in order (one query)."""
    return tuple(i.spec() for i in standard.indicators.order_by("number"))


def indicator_list(standard: PovertyStandard) -> list[PovertyIndicator]:
    """The standard's indicators (models), in order, for labels: code, name, dimension, column."""
    return list(standard.indicators.order_by("number"))


def low_income_workers(review: HouseholdReview, members: Iterable[Member]) -> list[Member] | None:
    """The members of a review's household who are low-income workers (Decree 30/2025/NĐ-CP),
    or None when the review's standard does not identify them in its year."""
    rule = review.standard.low_income_rule(review.year)
    if rule is None:
        return None
    facts = [(m, member_facts_from(_member_values(m))) for m in members]
    present = rules.members_on([f for _m, f in facts], review.reference_date)
    return [
        m
        for m, f in facts
        if f in present
        and rules.is_low_income_worker(
            f,
            on=review.reference_date,
            income_per_capita=review.income_per_capita,
            is_urban=review.is_urban,
            classification=review.classification,
            rule=rule,
        )
    ]


def low_income_worker_names(review: HouseholdReview, members: Iterable[Member]) -> list[str] | None:
    found = low_income_workers(review, members)
    return None if found is None else [m.full_name for m in found]


def _member_values(member: Member) -> dict:
    return {f: getattr(member, f) for f in MEMBER_FACT_FIELDS}


# The stored fields a member's facts are made of (rules.MemberFacts; "sex" gives is_female).
MEMBER_FACT_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "work_status",
    "has_health_insurance",
    "health_insurance_expiry",
    "school_level",
    "education",
    "has_disability",
    "receives_social_allowance",
    "is_malnourished",
    "joined_on",
    "left_on",
)


def member_facts_from(values: Mapping[str, Any]) -> MemberFacts:
    """A stored member (a mapping of MEMBER_FACT_FIELDS) as plain facts for the rules."""
    from .models import Member
    from .rules import MemberFacts

    return MemberFacts(
        full_name=values["full_name"],
        date_of_birth=values["date_of_birth"],
        is_female=values["sex"] == Member.Sex.FEMALE,
        work_status=values["work_status"],
        has_health_insurance=values["has_health_insurance"],
        health_insurance_expiry=values["health_insurance_expiry"],
        school_level=values["school_level"],
        education=values["education"],
        has_disability=values["has_disability"],
        receives_social_allowance=values["receives_social_allowance"],
        is_malnourished=values["is_malnourished"],
        joined_on=values["joined_on"],
        left_on=values["left_on"],
    )


def member_facts(household: Household) -> list[MemberFacts]:
    """The household's members (all, incl. those who left) as plain facts for the rules."""
    return [member_facts_from(m) for m in household.members.values(*MEMBER_FACT_FIELDS)]


def review_facts(review: HouseholdReview) -> rules.HouseholdFacts:
    """A stored review's household facts as plain facts for the rules."""
    return rules.HouseholdFacts(
        nondurable_parts=review.nondurable_parts,
        floor_area_m2=review.floor_area_m2,
        water_source=review.water_source,
        latrine=review.latrine,
        uses_internet=review.uses_internet,
        has_information_device=review.has_information_device,
        waste_treatment=review.waste_treatment,
        uses_digital_services=review.uses_digital_services,
    )


# --- pages of the households app ----------------------------------------------------------------


def household_get_for_edit(user: AnyUser, *, pk: int) -> Household:
    """A household the user may edit: 404 outside their areas; 403 for anyone in scope who is
    not an officer of the household's area (provincial staff read, officers write)."""
    from django.core.exceptions import PermissionDenied

    household = household_get_for_user(user, pk=pk)
    if not roles.can_enter_for(user, household):
        raise PermissionDenied
    return household


def approves_area(
    user: AnyUser,
    area_path: str,
    *,
    round_: ReviewRound | None = None,
    filed_path: str = "",
) -> bool:
    """Who approves (and locks) an area's reviews follows the round's approving level (data,
    households.organisation.selectors): with districts, officers above the commune approve and a commune
    officer only submits; in the two-tier tree the commune (its People's Committee) recognises
    its own list. Provincial staff approve (consolidate) anywhere."""
    from .organisation.selectors import approving_level_for_path, round_approving_level

    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    where = filed_path or area_path
    level = (
        round_approving_level(round_, path=where)
        if round_ is not None
        else approving_level_for_path(where)
    )
    if level == ReviewRound.ApprovingLevel.COMMUNE:
        return any(area_path.startswith(p) for p in paths or ())
    return any(area_path.startswith(p) and area_path != p for p in paths or ())


def can_approve(user: AnyUser, review: HouseholdReview) -> bool:
    return approves_area(
        user,
        review.household.area_path,
        round_=review.round if review.round_id else None,
        filed_path=review.area_path or "",
    )


def locked_area_paths(year: int) -> set[str]:
    """Paths of the areas whose `year` is locked (a locked round); an area is locked when one of
    rules.ancestor_paths(its path) is among them."""
    return set(
        ReviewRound.objects.filter(year=year, status=ReviewRound.Status.LOCKED).values_list(
            "area__path", flat=True
        )
    )


def can_lock_year(user: AnyUser, commune: Area) -> bool:
    """Who locks and reopens a commune's year: the level that recognises its results."""
    return approves_area(user, commune.path)


def year_lock_communes(user: AnyUser) -> QuerySet[Area]:
    """The communes of the lock page, in the area tree's order."""
    return commune_list_for_user(user).select_related("parent").order_by("path")


def year_lock_rows(user: AnyUser, communes: Iterable[Area], *, year: int) -> list[dict]:
    """`communes` (a page of year_lock_communes) with, for `year`, their periodic round (if
    any), its reviews approved out of all, the lock (who, when) and the reopenings."""
    from django.db.models import Count, Prefetch
    from django.db.models import Q as _Q

    from .models import ReviewReopening

    communes = list(communes)
    rounds = {
        r.area_id: r
        for r in ReviewRound.objects.filter(
            area__in=communes, year=year, kind=ReviewRound.Kind.PERIODIC, month=0
        )
        .select_related("locked_by")
        .annotate(
            n_reviews=Count("reviews"),
            n_approved=Count("reviews", filter=_Q(reviews__status=HouseholdReview.Status.APPROVED)),
        )
        .prefetch_related(
            Prefetch(
                "reopenings",
                queryset=ReviewReopening.objects.select_related("reopened_by").order_by(
                    "-reopened_at"
                ),
            )
        )
    }
    return [
        {"commune": c, "round": rounds.get(c.pk), "can_lock": can_lock_year(user, c)}
        for c in communes
    ]


def can_approve_any(user: AnyUser) -> bool:
    """Whether the user approves anything at all (a node above commune level in their scope)."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    if not paths:
        return False
    if Area.objects.filter(
        path__in=paths, level__in=[Area.Level.PROVINCE, Area.Level.DISTRICT]
    ).exists():
        return True
    # A commune officer recognises the list where the round's approving level is the commune
    # (set on the round, or by default in the two-tier tree).
    from .organisation.selectors import approving_level_for_path

    commune = ReviewRound.ApprovingLevel.COMMUNE
    if ReviewRound.objects.filter(area__path__in=paths, approving_level=commune).exists():
        return True
    return any(
        approving_level_for_path(p) == commune
        and not ReviewRound.objects.filter(area__path=p).exclude(approving_level="").exists()
        for p in paths
    )


def review_get_for_user(user: AnyUser, *, pk: int) -> HouseholdReview:
    try:
        return review_list_for_user(user).select_related("household__commune", "round").get(pk=pk)
    except HouseholdReview.DoesNotExist as exc:
        raise Http404 from exc


def review_queue_for_user(user: AnyUser) -> QuerySet[HouseholdReview]:
    return (
        review_list_for_user(user)
        .filter(status=HouseholdReview.Status.SUBMITTED)
        .select_related("household__commune", "household__hamlet", "entered_by", "round")
        .order_by("submitted_at", "pk")
    )


def household_movements(household: Household) -> dict[int, tuple[str, str]]:
    """{year: (last year's official class or "", movement)} for each year the household has an
    approved review, derived now from its approved reviews (rules.movement), never stored: a
    corrected earlier year shows at once."""
    official = dict(
        household.reviews.filter(is_current=True, status=HouseholdReview.Status.APPROVED)
        .order_by()
        .values_list("year", "classification")
    )
    result = {}
    for year in sorted(official):
        previous, current = official.get(year - 1), official.get(year)
        earlier = {c for y, c in official.items() if y < year - 1}
        move = rules.movement(
            previous,
            current,
            ever_poor=rules.POOR in earlier,
            ever_near_poor=rules.NEAR_POOR in earlier,
        )
        result[year] = (previous or "", move)
    return result


def latest_review_year(user: AnyUser | None = None) -> int | None:
    """The year every page opens on (kept name): `default_year()`."""
    return default_year()


def _round_years() -> list[tuple[int, bool, bool]]:
    """(year, has approved data, has an open round) for every year a round was opened for (a
    handful), in one query: an indexed EXISTS per year."""
    from django.db.models import Case, Exists, IntegerField, Max, OuterRef, When

    approved = HouseholdReview.objects.filter(
        year=OuterRef("year"), is_current=True, status=HouseholdReview.Status.APPROVED
    )
    rows = (
        ReviewRound.objects.order_by()
        .values("year")
        .annotate(
            opened=Max(
                Case(
                    When(status=ReviewRound.Status.OPEN, then=1),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
            approved=Exists(approved),
        )
        .values_list("year", "approved", "opened")
    )
    return sorted((year, bool(has), bool(opened)) for year, has, opened in rows)


def years_with_approved_data() -> list[int]:
    """The years (ascending) with at least one approved review standing for its household."""
    return [year for year, approved, _opened in _round_years() if approved]


def default_year(*, for_entry: bool = False) -> int | None:
    """The year a page of live data opens on when none is asked for (issue 17): the rule
    `rules.default_year_pick` over the years with approved data and the open rounds. The
    snapshot pages apply the same rule to their snapshots (reports.selectors.snapshot_pick)."""
    years = _round_years()
    return rules.default_year_pick(
        approved=[year for year, has, _opened in years if has],
        opened=[year for year, _has, is_open in years if is_open],
        for_entry=for_entry,
    )


def household_page_rows(queryset: QuerySet[Household], *, year: int | None) -> QuerySet[Household]:
    """The list's columns in one query: the current review of `year` and the active members,
    as correlated subqueries (cheap for a page of rows, and the count stays constant)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from .models import Member

    current = HouseholdReview.objects.filter(
        household=OuterRef("pk"),
        year=year,  # type: ignore[misc]  # None (no review year yet) matches no review
        is_current=True,
    ).order_by("-pk")
    members = (
        Member.objects.filter(household=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("commune", "hamlet").annotate(
        review_classification=Subquery(current.values("classification")[:1]),
        review_status=Subquery(current.values("status")[:1]),
        review_count=Subquery(current.values("deprivation_count")[:1]),
        member_total=Subquery(members, output_field=IntegerField()),
    )


def household_history(household: Household, *, limit: int = 60) -> list[dict]:
    """Who changed what, when: the household's, its members' and its reviews' history rows,
    each compared with the previous version of the same record, newest first."""
    from .models import Member

    sources = [
        (household.history.all(), _("Hộ")),
        (Member.history.filter(household_id=household.pk), _("Nhân khẩu")),
        (HouseholdReview.history.filter(household_id=household.pk), _("Phiếu rà soát")),
    ]
    entries: list[dict] = []
    for history, label in sources:
        records = list(history.select_related("history_user").order_by("id", "history_id"))
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            changes = []
            if before is not None:
                delta = record.diff_against(before)
                changes = [
                    {
                        "field": _field_label(record, c.field),
                        "old": _history_value(record, c.field, c.old),
                        "new": _history_value(record, c.field, c.new),
                    }
                    for c in delta.changes
                    if c.field not in {"version", "sources", "reasons", "overrides"}
                ]
            previous[record.id] = record
            entries.append(
                {
                    "what": label,
                    "object": str(record.instance) if label != _("Hộ") else household.code,
                    "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                    "user": record.history_user,
                    "when": record.history_date,
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


# django-simple-history's own labels are English ("Created", "Changed", "Deleted") with no
# Vietnamese catalogue: ours, in both languages.
HISTORY_TYPES = {
    "+": pgettext_lazy("history", "Tạo mới"),
    "~": pgettext_lazy("history", "Sửa"),
    "-": pgettext_lazy("history", "Xóa"),
}


def _history_value(record: Any, name: str, value: object) -> object:
    """A stored value as a person reads it: "Có"/"Không" for yes/no, a choice's label, the
    related record's name; None and "" as None (the page shows "–")."""
    if value is None or value == "":
        return None
    try:
        field = record.instance._meta.get_field(name)
    except Exception:
        return value
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value
    return value


def _field_label(record: Any, name: str) -> str:
    try:
        return str(record.instance._meta.get_field(name).verbose_name)
    except Exception:
        return name


def household_code_suggest(commune: Area) -> str:
    """The next household code of the commune (`rules.household_code_next`), not yet used
    anywhere in the province (codes are unique province-wide)."""
    existing = Household.objects.filter(commune=commune).values_list("code", flat=True)
    fallback = f"{commune.code.split('-')[0]}-"
    code = rules.household_code_next(existing.iterator(), fallback_prefix=fallback)
    for _attempt in range(1000):
        if not Household.objects.filter(code=code).exists():
            return code
        code = rules.household_code_after(code)
    return code


@dataclass(frozen=True)
class EthnicGroups:
    """The list as the forms and the ethnic-minority rule read it."""

    by_code: dict[str, str]  # {"01": "Kinh", ...} in code order
    index: dict[str, str]  # rules.ethnic_group_index
    minority_codes: frozenset[str]

    @property
    def names(self) -> list[str]:
        return list(self.by_code.values())

    def is_minority_household(self, head_ethnicity: str | None) -> bool | None:
        return rules.is_ethnic_minority_household(head_ethnicity, self.index, self.minority_codes)

    def official_name(self, value: str) -> str | None:
        """The list's name for a value (an old spelling -> the list's), None if not in it."""
        code = rules.ethnic_group_code(value, self.index)
        return self.by_code.get(code) if code else None


def ethnic_groups_get() -> EthnicGroups:
    from .models import EthnicGroup

    rows = list(EthnicGroup.objects.order_by("code").values_list("code", "name", "other_names"))
    minority = EthnicGroup.objects.filter(is_minority=True).values_list("code", flat=True)
    return EthnicGroups(
        by_code={code: name for code, name, _other in rows},
        index=rules.ethnic_group_index(rows),
        minority_codes=frozenset(minority),
    )
