from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from households.admin import LockedYearAdminForm

from .models import Programme, SupportRecord


class SupportRecordAdminForm(LockedYearAdminForm):
    class Meta:
        model = SupportRecord
        fields = "__all__"

    def lock_key(self, instance):
        return (instance.household.commune, instance.date.year)

    def lock_key_of(self, cleaned):
        household, on = cleaned.get("household"), cleaned.get("date")
        return (household.commune, on.year) if household and on else None


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "owner_agency", "kind", "target", "active")
    list_filter = ("kind", "target", "owner_agency", "active")
    search_fields = ("code", "name")


@admin.register(SupportRecord)
class SupportRecordAdmin(SimpleHistoryAdmin):
    form = SupportRecordAdminForm
    list_display = ("programme", "household", "member", "date", "valid_until", "amount")
    list_filter = ("programme",)
    raw_id_fields = ("household", "member", "entered_by")
    date_hierarchy = "date"
