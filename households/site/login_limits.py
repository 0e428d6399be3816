"""The second login limit: one username across every address (issue 16).

django-axes locks a username AT an address (the two together), so that nobody locks another
person out by typing their username and a shared office address is not locked by one person.
That leaves one username tried from many addresses unlimited. This limit counts the failures of
a username from every address within axes' cool-off window (its own AccessAttempt rows, so the
administrator's "Mở khóa đăng nhập" and `axes_reset_username` clear it too), with a higher
threshold (LOGIN_USERNAME_FAILURE_LIMIT). It applies the same to a username that does not
exist, so its message tells nothing about which accounts exist.
"""

from __future__ import annotations

from datetime import datetime

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def window_minutes() -> int:
    cool_off = get_cool_off()
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def username_failures(username: str, *, now: datetime | None = None) -> int:
    """Failed logins of `username` from every address within the window."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(username=username)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=(now or timezone.now()) - cool_off)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def username_limited(username: str) -> bool:
    if not (axes_settings.AXES_ENABLED and username):
        return False
    return username_failures(username) >= settings.LOGIN_USERNAME_FAILURE_LIMIT
