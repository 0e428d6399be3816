from django.contrib import admin

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
class PlanAdmin(admin.ModelAdmin):
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
class ManualFigureAdmin(admin.ModelAdmin):
    list_display = ["target", "area", "year", "period_end", "value", "agency"]
    list_filter = ["year", "agency"]


admin.site.register(PlanDocument)
admin.site.register(ReminderLog)
