"""Writes of the accounts app."""

from functools import lru_cache

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction


@lru_cache(maxsize=8)
def _hashed(password: str) -> str:
    # Hashing is deliberately slow; loading dozens of demo users with one password
    # hashes it once (one salt for those accounts, which only exist in demo data).
    return make_password(password)


@transaction.atomic
def user_ensure_verified(*, email: str, password: str, name: str = "", is_staff: bool = False):
    """Create a user whose e-mail address is verified, or bring its profile up to date.

    Used by the demo data loader; idempotent: running it again with the same arguments
    changes nothing. An existing user's password is left as it is.
    """
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, name=name, is_staff=is_staff, is_superuser=is_staff, password=_hashed(password))
        user.save()
    else:
        changed = []
        if user.name != name:
            user.name = name
            changed.append("name")
        if user.is_staff != is_staff:
            user.is_staff = user.is_superuser = is_staff
            changed += ["is_staff", "is_superuser"]
        if changed:
            user.save(update_fields=changed)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def user_update_profile(*, user, name: str, preferred_language: str):
    """Change the display name and the preferred language (of the pages, notifications and e-mails)."""
    user.name = name
    user.preferred_language = preferred_language
    user.save(update_fields=["name", "preferred_language"])
    return user
