"""Reads of users. Every authenticated request loads its user, so that read is cached.

A user is cached until it is saved or deleted (``user_scope``), or until a bulk write to
users (``USERS``): a deactivation, a new password or a staff flag takes effect on the next
request. Django still checks the session's password hash against the cached user.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from apps.core import generations

USERS = "users"
#: seconds a cached user may live (changes are seen at once regardless)
USER_TTL = 300


def user_scope(user_id) -> str:
    return f"user:{user_id}"


def user_scopes(user_id) -> tuple[str, str]:
    """The scopes any cached read that depends on this user's row should be stored under."""
    return (user_scope(user_id), USERS)


def user_get(user_id):
    """The user with this primary key (as stored in a session), or None."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:  # a malformed id in a session is simply no user
        return None
    found = generations.cached(
        *user_read(pk), lambda: model._default_manager.filter(pk=pk).first() or False, ttl=USER_TTL
    )
    return found or None


def user_read(user_id) -> tuple[tuple[str, ...], str]:
    """The scopes and variant under which a user is cached."""
    return user_scopes(user_id), "user"


def watch_users() -> None:
    """Connect the user model to its cache scopes (called once, at start-up)."""
    generations.watch(get_user_model(), scopes=lambda user: (user_scope(user.pk),), bulk=USERS)
