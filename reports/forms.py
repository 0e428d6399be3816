from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Area, PovertyStandard
from households.organisation.selectors import area_list_for_user, today, valid_on_q

from .official import TABLES


class OfficialTableForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int)
    area = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Area.objects.none())
    table = forms.ChoiceField(label=_("Biểu"), choices=[(k, t.title) for k, t in TABLES.items()])

    def __init__(self, *args, user, years, default_year=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in reversed(years)]
        self.fields["year"].initial = default_year
        self.fields["area"].queryset = (
            area_list_for_user(user).exclude(level=Area.Level.HAMLET).order_by("path")
        )
        self.fields["area"].to_field_name = "code"
        self.fields["area"].label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"


class RebuildForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Năm"), coerce=int, required=False, empty_value=None,
        help_text=_("Để trống để tính lại mọi năm."),
    )  # fmt: skip

    def __init__(self, *args, years, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tất cả các năm"))] + [(y, str(y)) for y in years]


class ForecastForm(forms.Form):
    """Which area, classified under which standard (default: the next national standard)."""

    area = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Area.objects.none())
    standard = forms.ModelChoiceField(
        label=_("Phân loại theo chuẩn"), queryset=PovertyStandard.objects.none()
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The units in force today (Vĩnh Long's since 1 July 2025), not those closed since.
        areas = (
            area_list_for_user(user)
            .filter(valid_on_q(today()))
            .exclude(level=Area.Level.HAMLET)
            .order_by("path")
        )
        self.fields["area"].queryset = areas
        self.fields["area"].to_field_name = "code"
        self.fields["area"].label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"
        self.fields["standard"].queryset = PovertyStandard.objects.order_by("-year_from")
        self.fields["standard"].to_field_name = "code"
        if not self.is_bound:
            first = areas.first()
            upcoming = PovertyStandard.objects.filter(scope="national").order_by("-year_from")
            self.initial.setdefault("area", first.code if first else None)
            self.initial.setdefault("standard", getattr(upcoming.first(), "code", None))
