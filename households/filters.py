"""The household list's filter, reusable by other pages (programs' bulk actions).

`HouseholdFilter(data, queryset, user=..., year=...)`: `queryset` should already be scoped
(households.selectors.household_list_for_user); the choices of commune and hamlet are the
user's own. Review-based filters (classification, status, indicator) read the current review
of `year`.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from households.organisation import roles
from households.organisation.rules import status_label
from households.organisation.selectors import (
    approval_wording_for_year,
    commune_list_for_user,
    hamlet_list_for_user,
)

from . import rules
from .models import Area, Classification, Household, HouseholdReview, Member
from .models.reviews import COLUMN_FIELDS, COLUMN_NAMES

GROUP_FLAGS = (
    ("is_meritorious", _("Hộ người có công")),
    ("is_ethnic_minority", _("Hộ dân tộc thiểu số")),
    ("no_labour_capacity", _("Hộ không có khả năng lao động")),
    ("is_social_protection", _("Hộ có người hưởng bảo trợ xã hội")),
    ("wants_loan", _("Có nhu cầu vay vốn")),
)
# Every result column (d13 is the 2027 standard's waste treatment): the list reads the column a
# count of the year's standard reads.
INDICATOR_CHOICES = tuple((str(n), name) for n, name in COLUMN_NAMES.items())
CITIZEN_ID = re.compile(r"^\d{12}$")


class QuickSelect(forms.Select):
    """A select rendered in Python, without a template per option: the list's filters carry
    the province's communes, and the form renderer spent about 100 ms a page on them."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if key in chosen else "", label) for key, label in self._pairs()),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)

    def _pairs(self):
        for value, label in self.choices:
            yield str(value), label


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm tên, mã hộ hoặc số CCCD"), method="filter_q")
    commune = django_filters.ModelChoiceFilter(
        label=_("Xã/phường"),
        queryset=Area.objects.none(),
        empty_label=_("Tất cả"),
        widget=QuickSelect,
    )
    hamlet = django_filters.ModelChoiceFilter(
        label=_("Ấp/khu phố"),
        queryset=Area.objects.none(),
        empty_label=_("Tất cả"),
        widget=QuickSelect,
    )
    classification = django_filters.ChoiceFilter(
        label=_("Phân loại"),
        choices=Classification.choices,
        method="filter_review",
        empty_label=_("Tất cả"),
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái phiếu"),
        choices=[*HouseholdReview.Status.choices, ("none", _("Chưa có phiếu"))],
        method="filter_review",
        empty_label=_("Tất cả"),
        widget=QuickSelect,
    )
    group = django_filters.ChoiceFilter(
        label=_("Nhóm hộ"),
        choices=GROUP_FLAGS,
        method="filter_group",
        empty_label=_("Tất cả"),
        widget=QuickSelect,
    )
    indicator = django_filters.ChoiceFilter(
        label=_("Thiếu hụt chỉ số"),
        choices=INDICATOR_CHOICES,
        method="filter_review",
        empty_label=_("Tất cả"),
        widget=QuickSelect,
    )
    # A plausible review year only (rules.REVIEW_YEARS): "-1" or "99999" is a form error, not a
    # date the tree of the year cannot be built for.
    year = django_filters.NumberFilter(
        label=_("Năm"),
        method="filter_noop",
        min_value=rules.REVIEW_YEARS[0],
        max_value=rules.REVIEW_YEARS[-1],
    )
    # The unit the review of the year was filed in, or any unit below it (by code): what a
    # snapshot count of that unit counts (reports: "every count links to its households").
    area = django_filters.CharFilter(label=_("Địa bàn rà soát"), method="filter_review")

    class Meta:
        model = Household
        fields = [
            "q", "commune", "hamlet", "classification", "status", "group", "indicator", "area"
        ]  # fmt: skip

    def __init__(self, data=None, queryset=None, *, user, year: int | None = None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.year = year
        self.filters["commune"].queryset = commune_list_for_user(user)
        self.filters["hamlet"].queryset = hamlet_list_for_user(user)
        # Offer only the chosen commune's hamlets (a province has thousands); validation
        # still accepts any hamlet in the user's scope.
        commune = (data or {}).get("commune")
        hamlets = hamlet_list_for_user(user).filter(
            parent__pk=commune if str(commune or "").isdigit() else None
        )
        self.form.fields["hamlet"].widget.choices = [
            ("", _("Tất cả")),
            *hamlets.values_list("pk", "name"),
        ]
        # The statuses in the words of whoever approves that year (two-tier years: no district).
        shown_year = rules.review_year_parse((data or {}).get("year") or "")
        words = approval_wording_for_year(shown_year or year)
        self.form.fields["status"].choices = [
            ("", _("Tất cả")),
            *(
                (value, status_label(words, value))
                for value, _label in HouseholdReview.Status.choices
            ),
            ("none", _("Chưa có phiếu")),
        ]

    @property
    def review_area(self) -> Area | None:
        """The unit of the `area` filter when it is in the user's scope."""
        from households.organisation.selectors import area_in_scope

        code = (self.data or {}).get("area") if self.is_bound else None
        if not code:
            return None
        area = Area.objects.filter(code=str(code)[:32]).first()
        return area if area is not None and area_in_scope(self.user, area) else None

    @property
    def review_year(self) -> int | None:
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("year"):
            return int(self.form.cleaned_data["year"])
        return self.year

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = (value or "").strip()
        if not text:
            return queryset
        digits = text.replace(" ", "")
        if CITIZEN_ID.match(digits):
            # A full ID finds a household only for those who may read IDs in full (the
            # officers of its area): for anyone else a match would confirm who holds it.
            paths = roles.entry_paths(self.user)
            if not paths:
                return queryset.none()
            within = Q(pk__in=[])
            for path in paths:
                within |= Q(area_path__startswith=path)
            # Two indexed lookups rather than an OR with EXISTS (which scans every household).
            holders = list(
                Member.objects.filter(citizen_id=digits, left_on__isnull=True).values_list(
                    "household_id", flat=True
                )[:10]
            )
            return queryset.filter(within).filter(Q(head_citizen_id=digits) | Q(pk__in=holders))
        needle = rules.normalize_text(text)
        # search_text starts with the head's name: a prefix match uses the btree index, a
        # substring match the trigram index on PostgreSQL (migration 0002).
        return queryset.filter(search_text__contains=needle)

    def filter_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value in dict(GROUP_FLAGS):
            return queryset.filter(**{value: True})
        return queryset

    def filter_review(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Combined afterwards in `qs` so that all review conditions hit the same review.
        return queryset

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.is_bound or not self.form.is_valid():
            return queryset
        data = self.form.cleaned_data
        conditions = {}
        if data.get("classification"):
            conditions["classification"] = data["classification"]
        if data.get("status") and data["status"] != "none":
            conditions["status"] = data["status"]
        if data.get("indicator"):
            conditions[COLUMN_FIELDS[int(data["indicator"]) - 1]] = True
        if data.get("area"):
            area = self.review_area
            if area is None:  # unknown, or outside the user's scope
                return queryset.none()
            conditions["area__path__startswith"] = area.path
        year = self.review_year
        reviews = HouseholdReview.objects.filter(household=OuterRef("pk"), year=year)
        if data.get("status") == "none":
            queryset = queryset.filter(~Exists(reviews))
        if conditions:
            queryset = queryset.filter(Exists(reviews.filter(is_current=True, **conditions)))
        return queryset
