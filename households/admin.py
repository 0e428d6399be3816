from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agency,
    Area,
    AreaPopulation,
    Household,
    HouseholdReview,
    Member,
    PovertyCause,
    PovertyIndicator,
    PovertyStandard,
    ReviewRound,
    StaffProfile,
)
from .models.reviews import INDICATOR_FIELDS


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent", "is_coastal_difficult", "valid_to")
    list_filter = ("level", "kind", "is_coastal_difficult")
    search_fields = ("code", "name", "search_name")
    raw_id_fields = ("parent", "successor")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "kind", "is_lead", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "title")
    filter_horizontal = ("areas",)
    search_fields = ("user__username", "user__last_name")


class IndicatorInline(admin.TabularInline):
    model = PovertyIndicator
    extra = 0


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "year_from",
        "year_to",
        "rural_poverty_line",
        "urban_poverty_line",
    )
    inlines = [IndicatorInline]


@admin.register(PovertyCause)
class PovertyCauseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")


@admin.register(ReviewRound)
class ReviewRoundAdmin(SimpleHistoryAdmin):
    list_display = ("year", "kind", "month", "area", "reference_date", "status")
    list_filter = ("year", "kind", "status")
    raw_id_fields = ("area",)


@admin.register(AreaPopulation)
class AreaPopulationAdmin(SimpleHistoryAdmin):
    list_display = ("area", "year", "households", "persons")
    list_filter = ("year",)
    raw_id_fields = ("area",)


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("code", "head_name", "commune")
    search_fields = ("code", "search_text")
    raw_id_fields = ("commune", "hamlet")


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "household", "relationship", "date_of_birth")
    raw_id_fields = ("household",)
    search_fields = ("search_name",)


@admin.register(HouseholdReview)
class HouseholdReviewAdmin(SimpleHistoryAdmin):
    list_display = ("household", "year", "classification", "status")
    list_filter = ("year", "classification", "status")
    # The results follow from the facts and the recorded overrides (rules.resolve_deprivations,
    # through the review form or the import): the admin shows them and cannot set them.
    readonly_fields = (
        *INDICATOR_FIELDS,
        "sources",
        "reasons",
        "overrides",
        "income_confirmed",
        "deprivation_count",
        "classification",
        "member_count",
    )
    raw_id_fields = ("household", "round")
