from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Programme, SupportRecord


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "owner_agency", "kind", "target", "active")
    list_filter = ("kind", "target", "owner_agency", "active")
    search_fields = ("code", "name")


@admin.register(SupportRecord)
class SupportRecordAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "household", "member", "date", "valid_until", "amount")
    list_filter = ("programme",)
    raw_id_fields = ("household", "member", "entered_by")
    date_hierarchy = "date"
