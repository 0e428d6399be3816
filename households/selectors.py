"""Reads, and the one place where area scoping is decided.

Every page, export, import and job that touches area data goes through `scope_paths` /
`scoped`: an officer sees the area nodes assigned to them and everything below; provincial
staff see everything; anybody else sees nothing. Lookups outside the scope raise Http404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

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


def member_facts(household: Household) -> list:
    """The household's members (all, incl. those who left) as plain facts for the rules."""
    from .models import Member
    from .rules import MemberFacts

    return [
        MemberFacts(
            full_name=m.full_name,
            date_of_birth=m.date_of_birth,
            is_female=m.sex == Member.Sex.FEMALE,
            work_status=m.work_status,
            has_health_insurance=m.has_health_insurance,
            health_insurance_expiry=m.health_insurance_expiry,
            school_level=m.school_level,
            education=m.education,
            has_disability=m.has_disability,
            receives_social_allowance=m.receives_social_allowance,
            is_malnourished=m.is_malnourished,
            joined_on=m.joined_on,
            left_on=m.left_on,
        )
        for m in household.members.all()
    ]


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
