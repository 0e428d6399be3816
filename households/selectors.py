"""Reads of households, members and reviews, always through the organisation's area scoping
(households.organisation.selectors: `scoped`, `scope_paths`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

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
    from .models import PovertyStandard
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


def standard_for_year(year: int) -> PovertyStandard:
    """The poverty standard in force for a year (raises when none is defined)."""
    from .models import PovertyStandard

    standard = PovertyStandard.objects.filter(year_from__lte=year, year_to__gte=year).first()
    if standard is None:
        raise PovertyStandard.DoesNotExist(f"No poverty standard covers {year}")
    return standard


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


def review_queue_for_user(
    user: AnyUser,
    *,
    status: str = HouseholdReview.Status.SUBMITTED,
    commune: Area | None = None,
    classification: str = "",
    submitted_from: date | None = None,
    submitted_to: date | None = None,
) -> QuerySet[HouseholdReview]:
    """The approval queue: the user's reviews in `status` (submitted by default), oldest
    submission first, narrowed by commune, class and submission date (inclusive, local days)."""
    reviews = review_list_for_user(user).filter(status=status or HouseholdReview.Status.SUBMITTED)
    if commune is not None:
        reviews = reviews.filter(household__area_path__startswith=commune.path)
    if classification:
        reviews = reviews.filter(classification=classification)
    if submitted_from is not None:
        reviews = reviews.filter(submitted_at__date__gte=submitted_from)
    if submitted_to is not None:
        reviews = reviews.filter(submitted_at__date__lte=submitted_to)
    return reviews.select_related(
        "household__commune", "household__hamlet", "entered_by", "round"
    ).order_by("submitted_at", "pk")


def reviews_for_approver(
    user: AnyUser, *, review_ids: Iterable[int]
) -> tuple[list[HouseholdReview], list[int]]:
    """The reviews among `review_ids` the user may approve or return (in their scope, at the
    round's approving level), in queue order, and the ids refused (unknown, another area's, or
    at a level the user does not approve)."""
    wanted = sorted({int(pk) for pk in review_ids})
    found = (
        review_list_for_user(user)
        .filter(pk__in=wanted)
        .select_related("household__commune", "household__hamlet", "round", "standard")
        .order_by("submitted_at", "pk")
    )
    allowed = [review for review in found if can_approve(user, review)]
    allowed_ids = {review.pk for review in allowed}
    return allowed, [pk for pk in wanted if pk not in allowed_ids]


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
    from django.db.models import Max

    return ReviewRound.objects.aggregate(year=Max("year"))["year"]


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
                    {"field": _field_label(record, c.field), "old": c.old, "new": c.new}
                    for c in delta.changes
                    if c.field not in {"version", "sources", "reasons", "overrides"}
                ]
            previous[record.id] = record
            entries.append(
                {
                    "what": label,
                    "object": str(record.instance) if label != _("Hộ") else household.code,
                    "type": record.get_history_type_display(),
                    "user": record.history_user,
                    "when": record.history_date,
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:limit]


def _field_label(record: Any, name: str) -> str:
    try:
        return str(record.instance._meta.get_field(name).verbose_name)
    except Exception:
        return name
