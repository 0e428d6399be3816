"""Reads, and the one place where area scoping is decided.

Every page, export, import and job that touches area data goes through `scope_paths` /
`scoped`: an officer sees the area nodes assigned to them and everything below; provincial
staff see everything; anybody else sees nothing. Lookups outside the scope raise Http404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Agency, Area, Household, HouseholdReview, ReviewRound

EVERYTHING = None


def scope_paths(user) -> tuple[str, ...] | None:
    """The area paths a user may see (None = the whole province, () = nothing)."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_scope_paths", False)
    if cached is not False:
        return cached
    if roles.is_provincial(user):
        paths = EVERYTHING
    elif roles.is_area_officer(user):
        paths = tuple(
            Area.objects.filter(officers__user=user).order_by("path").values_list("path", flat=True)
        )
    else:
        paths = ()
    user._scope_paths = paths
    return paths


def scope_q(user, field: str = "area_path") -> Q:
    """A filter keeping rows whose `field` (an area path) lies in the user's scope."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def scoped(user, queryset: QuerySet, field: str = "area_path") -> QuerySet:
    return queryset.filter(scope_q(user, field))


def area_in_scope(user, area: Area) -> bool:
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    return any(area.path.startswith(p) for p in paths or ())


def area_list_for_user(user) -> QuerySet[Area]:
    return scoped(user, Area.objects.all(), "path")


def area_get_for_user(user, *, code: str) -> Area:
    try:
        return area_list_for_user(user).get(code=code)
    except Area.DoesNotExist as exc:
        raise Http404 from exc


def root_areas_for_user(user) -> QuerySet[Area]:
    """The top nodes a user works from (the province for provincial staff)."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return Area.objects.filter(parent__isnull=True)
    return Area.objects.filter(path__in=paths or ())


def commune_list_for_user(user) -> QuerySet[Area]:
    return area_list_for_user(user).filter(level=Area.Level.COMMUNE)


def household_list_for_user(user) -> QuerySet[Household]:
    return scoped(user, Household.objects.all())


def household_get_for_user(user, *, pk: int) -> Household:
    try:
        return household_list_for_user(user).select_related("commune", "hamlet").get(pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


def review_list_for_user(user) -> QuerySet[HouseholdReview]:
    return scoped(user, HouseholdReview.objects.all(), "household__area_path")


def round_list_for_user(user) -> QuerySet[ReviewRound]:
    return scoped(user, ReviewRound.objects.all(), "area__path")


def agency_of(user) -> Agency | None:
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.agency if profile is not None else None


def standard_for_year(year: int):
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


def member_facts_from(values):
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


def member_facts(household: Household) -> list:
    """The household's members (all, incl. those who left) as plain facts for the rules."""
    return [member_facts_from(m) for m in household.members.values(*MEMBER_FACT_FIELDS)]


def review_facts(review: HouseholdReview):
    from .rules import HouseholdFacts

    return HouseholdFacts(
        nondurable_parts=review.nondurable_parts,
        floor_area_m2=review.floor_area_m2,
        water_source=review.water_source,
        latrine=review.latrine,
        uses_internet=review.uses_internet,
        has_information_device=review.has_information_device,
    )


# --- pages of the households app ----------------------------------------------------------------


def identifier_paths(user) -> tuple[str, ...]:
    """The area paths under which a user sees citizen IDs and phones in full: an officer's own
    areas; nobody else's (provincial staff included)."""
    paths = scope_paths(user)
    return () if paths is EVERYTHING else tuple(paths or ())


def _area_path_of(obj) -> str:
    """The area path of a household, of what belongs to one (member, review), or of an area."""
    if obj is None:
        return ""
    if isinstance(obj, Area):
        return obj.path
    if getattr(obj, "area_path", ""):
        return obj.area_path
    household = getattr(obj, "household", None)
    return getattr(household, "area_path", "") if household is not None else ""


def paths_q(paths, field: str = "area_path") -> Q:
    """Rows whose `field` lies under one of `paths` (none when `paths` is empty)."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def can_see_identifiers(user, obj) -> bool:
    """Full citizen IDs and phones only for officers of the household's own area (`obj`: a
    household, member, review or area); everybody else, provincial staff included, masked."""
    if user is None:
        return False
    path = _area_path_of(obj)
    return bool(path) and path.startswith(identifier_paths(user) or ("\0",))


def identifier_for(user, obj, value) -> str:
    """The value in full for the officers of obj's area, masked for everybody else."""
    from .rules import mask_identifier

    value = "" if value is None else str(value)
    if not value:
        return ""
    return value if can_see_identifiers(user, obj) else mask_identifier(value)


def household_get_for_edit(user, *, pk: int) -> Household:
    """A household the user may edit: 404 outside their areas; 403 for anyone in scope who is
    not an officer of the household's area (provincial staff read, officers write)."""
    from django.core.exceptions import PermissionDenied

    household = household_get_for_user(user, pk=pk)
    if not can_see_identifiers(user, household):
        raise PermissionDenied
    return household


def can_approve(user, review: HouseholdReview) -> bool:
    """District (or higher) officers approve reviews of communes below them; provincial staff
    approve anywhere in the province. A commune-level officer only submits."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    area_path = review.household.area_path
    return any(area_path.startswith(p) and area_path != p for p in paths or ())


def can_approve_any(user) -> bool:
    """Whether the user approves anything at all (a node above commune level in their scope)."""
    paths = scope_paths(user)
    if paths is EVERYTHING:
        return True
    return Area.objects.filter(
        path__in=paths or (), level__in=[Area.Level.PROVINCE, Area.Level.DISTRICT]
    ).exists()


def review_get_for_user(user, *, pk: int) -> HouseholdReview:
    try:
        return review_list_for_user(user).select_related("household__commune").get(pk=pk)
    except HouseholdReview.DoesNotExist as exc:
        raise Http404 from exc


def review_queue_for_user(user) -> QuerySet[HouseholdReview]:
    return (
        review_list_for_user(user)
        .filter(status=HouseholdReview.Status.SUBMITTED)
        .select_related("household__commune", "household__hamlet", "entered_by")
        .order_by("submitted_at", "pk")
    )


def latest_review_year(user=None) -> int | None:
    from django.db.models import Max

    return ReviewRound.objects.aggregate(year=Max("year"))["year"]


def hamlet_list_for_user(user) -> QuerySet[Area]:
    return area_list_for_user(user).filter(level=Area.Level.HAMLET).select_related("parent")


def household_page_rows(queryset: QuerySet[Household], *, year: int | None) -> QuerySet[Household]:
    """The list's columns in one query: the current review of `year` and the active members,
    as correlated subqueries (cheap for a page of rows, and the count stays constant)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from .models import Member

    current = HouseholdReview.objects.filter(
        household=OuterRef("pk"), year=year, is_current=True
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
                    if c.field not in {"version", "sources", "reasons"}
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


def _field_label(record, name: str) -> str:
    try:
        return str(record.instance._meta.get_field(name).verbose_name)
    except Exception:
        return name
