"""Provincial staff: officers whose units all closed, and their new scope, in one page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .models import Area
from .organisation import roles
from .organisation.selectors import area_successors, area_tree_on, officers_without_current_scope
from .organisation.services import officer_rescope


class RescopeForm(forms.Form):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Địa bàn mới"), queryset=Area.objects.none(), required=False
    )

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = units
        self.fields["area"].to_field_name = "code"


@login_required
@require_http_methods(["GET", "POST"])
def officers_unscoped(request: HttpRequest) -> HttpResponse:
    if not roles.is_provincial(request.user):
        raise Http404
    units = area_tree_on().exclude(level=Area.Level.HAMLET).order_by("path")
    profiles = list(officers_without_current_scope())
    rows = []
    for profile in profiles:
        old = list(profile.areas.all())
        suggested = {s.code for a in old for s in area_successors(a)}
        form = RescopeForm(
            request.POST or None,
            prefix=f"p{profile.pk}",
            units=units,
            initial={"area": next(iter(sorted(suggested)), None)},
        )
        rows.append((profile, old, form))
    if request.method == "POST":
        done = 0
        for profile, _old, form in rows:
            if form.is_valid() and form.cleaned_data["area"] is not None:
                officer_rescope(profile=profile, areas=[form.cleaned_data["area"]], by=request.user)
                done += 1
        messages.success(request, _("Đã phân công địa bàn mới cho %(n)s cán bộ.") % {"n": done})
        return redirect("households:officers-unscoped")
    return render(request, "households/officers_unscoped.html", {"rows": rows})
