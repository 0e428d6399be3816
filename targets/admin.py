from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.admin import AgencyAdmin, PlainYearsMixin
from households.models import Agency

from .models import (
    ManualFigure,
    Plan,
    PlanDocument,
    ReminderLog,
    Target,
    TargetBreakdown,
    Task,
    TaskUpdate,
)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["order", "code", "statement", "indicator_code", "unit", "target_value", "direction"]


@admin.register(Plan)
class PlanAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ["code", "title", "year", "issuing_agency"]
    list_filter = ["year"]
    inlines = [TargetInline]


class BreakdownInline(admin.TabularInline):
    model = TargetBreakdown
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "plan", "indicator_code", "unit", "target_value", "direction"]
    list_filter = ["plan", "direction"]
    inlines = [BreakdownInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "lead_agency", "due_date", "status", "percent"]
    list_filter = ["status", "lead_agency", "plan"]
    search_fields = ["title", "code"]
    readonly_fields = ["status", "percent", "last_update_at"]


@admin.register(TaskUpdate)
class TaskUpdateAdmin(admin.ModelAdmin):
    list_display = ["task", "status", "percent", "agency", "created_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["task", "status", "percent", "note", "agency", "created_by"]


@admin.register(ManualFigure)
class ManualFigureAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ["target", "area", "year", "period_end", "value", "agency"]
    list_filter = ["year", "agency"]


admin.site.register(PlanDocument)
admin.site.register(ReminderLog)


class AgencyWithTasksAdmin(AgencyAdmin):
    """The agency admin of households, with the targets app's hand-over action."""

    actions = ["hand_over_tasks"]

    @admin.action(description=gettext_lazy("Giao nhiệm vụ chưa hoàn thành cho cơ quan kế thừa"))
    def hand_over_tasks(self, request, queryset) -> None:
        from .services import agency_tasks_hand_over

        for agency in queryset.select_related("successor"):
            try:
                n = agency_tasks_hand_over(agency=agency, user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{agency}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(agency)s: đã giao %(n)s nhiệm vụ cho %(to)s.")
                % {"agency": agency, "n": n, "to": agency.successor},
            )


admin.site.unregister(Agency)
admin.site.register(Agency, AgencyWithTasksAdmin)
