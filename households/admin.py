from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agency,
    Area,
    AreaKindChange,
    AreaPopulation,
    Household,
    HouseholdReview,
    Member,
    PovertyCause,
    PovertyIndicator,
    PovertyStandard,
    Reorganisation,
    ReorganisationStep,
    ReviewRound,
    StaffProfile,
    TransferRun,
)
from .models.reviews import INDICATOR_FIELDS
from .services import LockedYearError, ensure_year_open


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "gso_code",
        "name",
        "level",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
    )
    list_filter = ("level", "kind", "is_coastal_difficult")
    search_fields = ("code", "gso_code", "name", "search_name")
    raw_id_fields = ("parent", "successor")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "short_name",
        "kind",
        "is_lead",
        "valid_from",
        "valid_to",
        "successor",
    )
    list_filter = ("kind", "is_active", "is_lead")
    raw_id_fields = ("area", "successor")
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


class LockedYearAdminForm(forms.ModelForm):
    """The admin obeys the year lock as every other write path: a change to a record of a
    locked year for its commune is refused with the lock's message, nothing saved.
    Subclasses say where the commune and the year are (`lock_key`)."""

    def lock_key(self, instance):  # -> (commune, year) or None
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        keys = {self.lock_key(self.instance)} if self.instance.pk else set()
        for key in keys | {self.lock_key_of(cleaned)}:
            if key is None:
                continue
            try:
                ensure_year_open(commune=key[0], year=key[1])
            except LockedYearError as exc:
                raise ValidationError(exc.messages) from exc
        return cleaned

    def lock_key_of(self, cleaned):
        raise NotImplementedError


class ReviewAdminForm(LockedYearAdminForm):
    class Meta:
        model = HouseholdReview
        fields = "__all__"  # noqa: DJ007 - the admin edits every field

    def lock_key(self, instance):
        return (instance.household.commune, instance.year)

    def lock_key_of(self, cleaned):
        household, year = cleaned.get("household"), cleaned.get("year")
        return (household.commune, year) if household and year else None


@admin.register(ReviewRound)
class ReviewRoundAdmin(SimpleHistoryAdmin):
    """A year is locked and reopened on the "Khóa số liệu" page (households:year-locks), which
    records who locked it and each reopening's reason: the admin shows the lock, never sets it."""

    list_display = ("year", "kind", "month", "area", "reference_date", "status")
    list_filter = ("year", "kind", "status")
    raw_id_fields = ("area",)
    readonly_fields = ("status", "locked_at", "locked_by")


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
    form = ReviewAdminForm
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


class StepInline(admin.TabularInline):
    model = ReorganisationStep
    extra = 0
    fields = ("old_area", "new_area", "share", "certainty", "note")
    # Corrections go through the step's own page (the service carries households along).
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Reorganisation)
class ReorganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "legal_basis", "effective_date")
    inlines = [StepInline]


@admin.register(ReorganisationStep)
class ReorganisationStepAdmin(admin.ModelAdmin):
    """Correcting a step (e.g. an `assumed` row) goes through the service, so that the old
    unit's successor and the households already carried follow the correction."""

    list_display = ("old_area", "new_area", "share", "certainty", "reorganisation")
    list_filter = ("certainty", "reorganisation")
    search_fields = ("old_area__name", "old_area__code", "new_area__name")
    raw_id_fields = ("old_area", "new_area")

    def save_model(self, request, obj, form, change) -> None:
        from django.core.exceptions import ValidationError

        from .area_services import reorganisation_step_correct

        if change and "new_area" in form.changed_data:
            new_area = obj.new_area
            obj.new_area_id = form.initial["new_area"]
            try:
                moved = reorganisation_step_correct(
                    step=obj, new_area=new_area, user=request.user, note=obj.note
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), level="error")
                return
            self.message_user(request, _("Đã sửa bước; %(n)s hộ chuyển theo.") % {"n": moved})
            return
        super().save_model(request, obj, form, change)


@admin.register(AreaKindChange)
class AreaKindChangeAdmin(admin.ModelAdmin):
    list_display = ("area", "from_kind", "to_kind", "effective_date", "legal_basis")
    raw_id_fields = ("area",)


@admin.register(TransferRun)
class TransferRunAdmin(admin.ModelAdmin):
    list_display = ("on", "started_at", "user", "households", "hamlets", "reason")
    readonly_fields = ("on", "started_at", "user", "households", "hamlets", "summary", "reason")
