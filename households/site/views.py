"""The home page and the health check."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from households.organisation import roles, selectors
from households.site.todos import home_todos

from . import login_limits
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    """The login page; a username over its limit across addresses answers 429 (Too Many
    Requests) with the form and its message, as axes' own lockout does."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "username_limited"):
            response.status_code = 429
            response["Retry-After"] = str(login_limits.window_minutes() * 60)
        return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "role": roles.primary_role(user),
        "is_provincial": roles.is_provincial(user),
        "is_area_officer": roles.is_area_officer(user),
        "is_agency_staff": roles.is_agency_staff(user),
        "root_areas": selectors.root_areas_for_user(user),
        "agency": selectors.agency_of(user),
        "todos": home_todos(user),
    }
    return render(request, "home.html", context)
