from django.contrib import admin

from households.admin import PlainYearsMixin

from .models import RebuildJob, Snapshot, YearState


@admin.register(RebuildJob)
class RebuildJobAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ("id", "year", "status", "trigger", "started_at", "duration_ms", "rows")
    list_filter = ("status", "trigger", "year")
    readonly_fields = [f.name for f in RebuildJob._meta.fields]


@admin.register(Snapshot)
class SnapshotAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ("id", "year", "status", "built_at", "rows")
    list_filter = ("status", "year")
    readonly_fields = [f.name for f in Snapshot._meta.fields]


@admin.register(YearState)
class YearStateAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ("year", "dirty_since")
