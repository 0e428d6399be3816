"""Types the apps' selectors and services share.

There is no custom user model: a user is Django's `auth.User`. Reads take whoever is asking,
signed in or not (`request.user`): every selector answers "nothing" for an anonymous user.
Writes are done by a signed-in user, or by a job acting for one.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

AnyUser: TypeAlias = User | AnonymousUser

__all__ = ["AnyUser", "User"]
