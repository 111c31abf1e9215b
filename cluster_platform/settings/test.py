"""Test settings: fast hashing, e-mail kept in memory, tasks run in-process.

DATABASE_URL and REDIS_URL are honoured (CI points them at PostgreSQL and Redis);
without them the suite runs on SQLite.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Eager tasks for service tests; the worker test switches this off and talks to Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = {
    "signup": env("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": "10/m/ip,5/300s/key",
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
}
