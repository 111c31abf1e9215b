"""Writes of the accounts app."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction


@transaction.atomic
def user_ensure_verified(*, email: str, password: str, name: str = "", is_staff: bool = False):
    """Create (or bring up to date) a user whose e-mail address is verified.

    Used by the demo data loader and by operators; idempotent: running it again with
    the same arguments changes nothing.
    """
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=password, name=name, is_staff=is_staff, is_superuser=is_staff
        )
    else:
        changed = []
        if user.name != name:
            user.name = name
            changed.append("name")
        if user.is_staff != is_staff:
            user.is_staff = user.is_superuser = is_staff
            changed += ["is_staff", "is_superuser"]
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
