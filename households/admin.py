import re
from contextvars import ContextVar

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Agency,
    Area,
    AreaKindChange,
    AreaPopulation,
    EthnicGroup,
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
from .organisation.roles import entry_paths
from .organisation.selectors import identifier_for, scoped
from .services import LockedYearError, ensure_year_open

# A citizen ID (12 digits), an old ID card (9) or a phone number (10-11): searched only as a
# whole identifier, never as a substring.
FULL_IDENTIFIER = re.compile(r"\d{9,12}")


YEAR_FIELDS = frozenset({"year", "year_from", "year_to"})


def plain_year_column(name: str, label: str):
    """A year column of a change list as a plain year: "2024", not the localised "2.024" the
    admin gives an integer field (issue 17, finding 5)."""

    def column(obj) -> str:
        value = getattr(obj, name)
        return "" if value is None else str(value)

    column.short_description = label  # type: ignore[attr-defined]
    column.admin_order_field = name  # type: ignore[attr-defined]
    column.__name__ = f"{name}_plain"
    return column


class PlainYearsMixin:
    """For a ModelAdmin: every year field of `list_display` shown as a plain year."""

    def get_list_display(self, request):
        fields = {f.name: f for f in self.model._meta.fields}
        return [
            plain_year_column(item, str(fields[item].verbose_name))
            if isinstance(item, str) and item in YEAR_FIELDS and item in fields
            else item
            for item in super().get_list_display(request)  # type: ignore[misc]
        ]


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
class PovertyStandardAdmin(PlainYearsMixin, SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "scope",
        "year_from",
        "year_to",
        "rural_poverty_line",
        "urban_poverty_line",
        "revision",
    )
    list_filter = ("scope",)
    raw_id_fields = ("province",)
    inlines = [IndicatorInline]


@admin.register(EthnicGroup)
class EthnicGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "other_names", "is_minority")
    search_fields = ("name", "other_names")


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


@admin.register(ReviewRound)
class ReviewRoundAdmin(PlainYearsMixin, SimpleHistoryAdmin):
    """A year is locked and reopened on the "Khóa số liệu" page (households:year-locks), which
    records who locked it and each reopening's reason: the admin shows the lock, never sets it."""

    list_display = ("year", "kind", "month", "area", "reference_date", "status", "standard")
    list_filter = ("year", "kind", "status")
    raw_id_fields = ("area",)
    readonly_fields = ("status", "locked_at", "locked_by")


@admin.register(AreaPopulation)
class AreaPopulationAdmin(PlainYearsMixin, SimpleHistoryAdmin):
    list_display = ("area", "year", "households", "persons")
    list_filter = ("year",)
    raw_id_fields = ("area",)


# --- households, members, reviews: read-only, scoped, identifiers masked --------------------
#
# Chosen over taking provincial staff's admin rights away: they need to look households up
# (a complaint, a duplicate) and the admin is where the history of a record is. So the admin
# shows these records as the app does — within the user's areas, citizen IDs and phones in
# full only to the officers of the household's own area (households.selectors.identifier_for,
# the one masking path), everybody else masked, administrators included — and never edits
# them: writes go through the services (locks, versions, audit, locked years) on the app's
# own pages. A search by a full ID finds only the households whose IDs the user may see.

_admin_user: ContextVar = ContextVar("households_admin_user", default=None)


class PersonalDataAdmin(SimpleHistoryAdmin):
    # Identifier fields, each shown through a `masked_<name>` read-only display.
    identifier_fields: tuple[str, ...] = ()
    # The area path of a row, for scoping (a lookup).
    area_path_lookup = "area_path"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        _admin_user.set(request.user)
        return scoped(request.user, super().get_queryset(request), self.area_path_lookup)

    def get_fields(self, request, obj=None):
        _admin_user.set(request.user)
        fields = super().get_fields(request, obj)
        shown = [f"masked_{f}" if f in self.identifier_fields else f for f in fields]
        return list(dict.fromkeys(shown))

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj),
                *(f"masked_{f}" for f in self.identifier_fields))  # fmt: skip

    def get_search_results(self, request, queryset, search_term):
        digits = search_term.replace(" ", "").replace(".", "")
        if FULL_IDENTIFIER.fullmatch(digits):
            return self._identifier_search(request, queryset, digits), False
        return super().get_search_results(request, queryset, search_term)

    def _identifier_search(self, request, queryset, digits: str):
        """Rows holding this full ID, among those whose IDs the user may see; none else (a
        match would confirm who holds an ID to someone who may not read it)."""
        paths = entry_paths(request.user)
        if not paths:
            return queryset.none()
        within = Q()
        for path in paths:
            within |= Q(**{f"{self.area_path_lookup}__startswith": path})
        holds = Q()
        for field in self.identifier_search_lookups:
            holds |= Q(**{field: digits})
        return queryset.filter(within & holds)

    identifier_search_lookups: tuple[str, ...] = ()

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # a revert would write around the services
            raise PermissionDenied
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _in_scope_or_404(self, request, object_id) -> None:
        """simple_history looks the object up itself: the user's areas are checked here."""
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def _masked(self, obj, field: str) -> str:
        return identifier_for(_admin_user.get(), obj, getattr(obj, field, "")) or "–"


@admin.register(Household)
class HouseholdAdmin(PersonalDataAdmin):
    list_display = ("code", "head_name", "commune")
    search_fields = ("code", "search_text")
    raw_id_fields = ("commune", "hamlet")
    identifier_fields = ("head_citizen_id", "phone")
    identifier_search_lookups = ("head_citizen_id", "phone", "members__citizen_id")

    @admin.display(description=_("CCCD chủ hộ"))
    def masked_head_citizen_id(self, obj) -> str:
        return self._masked(obj, "head_citizen_id")

    @admin.display(description=_("điện thoại"))
    def masked_phone(self, obj) -> str:
        return self._masked(obj, "phone")


@admin.register(Member)
class MemberAdmin(PersonalDataAdmin):
    list_display = ("full_name", "household", "relationship", "date_of_birth")
    raw_id_fields = ("household",)
    search_fields = ("search_name",)
    area_path_lookup = "household__area_path"
    identifier_fields = ("citizen_id",)
    identifier_search_lookups = ("citizen_id",)

    @admin.display(description=_("số CCCD"))
    def masked_citizen_id(self, obj) -> str:
        return self._masked(obj, "citizen_id")


@admin.register(HouseholdReview)
class HouseholdReviewAdmin(PlainYearsMixin, PersonalDataAdmin):
    list_display = ("household", "year", "classification", "status")
    list_filter = ("year", "classification", "status")
    raw_id_fields = ("household", "round")
    area_path_lookup = "household__area_path"


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

        from .organisation.services import reorganisation_step_correct

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


# --- users: the administrators' reset of a locked login (django-axes) -------------------------


@admin.action(description=_("Mở khóa đăng nhập (xóa các lần đăng nhập sai)"))
def unlock_login(modeladmin, request, queryset) -> None:
    from axes.utils import reset

    users = list(queryset.values_list("username", flat=True))
    for username in users:
        reset(username=username)
    modeladmin.message_user(
        request, _("Đã mở khóa đăng nhập cho %(n)s người dùng.") % {"n": len(users)}
    )


_User = get_user_model()
if admin.site.is_registered(_User):
    admin.site.unregister(_User)


@admin.register(_User)
class UserAdmin(DjangoUserAdmin):
    actions = [*DjangoUserAdmin.actions, unlock_login]
