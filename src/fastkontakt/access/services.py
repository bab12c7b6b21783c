"""Account services."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_USERNAME = "demo"


@transaction.atomic
def demo_user_ensure() -> tuple[str, str]:
    """Create or reset the demo administrator with a fresh random password; return both.

    A new password every time means a demo database copied elsewhere carries no known login.
    """
    password = secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    user.is_staff = True
    user.is_superuser = True
    user.set_password(password)
    user.save()
    return DEMO_USERNAME, password
