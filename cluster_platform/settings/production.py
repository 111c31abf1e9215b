"""Production settings: no secret has a default; HTTPS everywhere.

Must pass ``manage.py check --deploy --fail-level WARNING``.
"""

from .base import *  # noqa: F403
from .base import DOCUMENTS_STORAGE, MIDDLEWARE, env, tuned

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
AUDIT_CHAIN_KEY = env("AUDIT_CHAIN_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": tuned(env.db("DATABASE_URL"))}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the TLS proxy set TRUSTED_PROXY_COUNT=1 (one more per further proxy that appends to
# X-Forwarded-For); otherwise the admin lockout and allauth's rate limits see only the proxy.
# Left at 0 when nothing proxies: a client's own X-Forwarded-For must then never be believed.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": DOCUMENTS_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_CONFIG = env.email("EMAIL_URL")
vars().update(EMAIL_CONFIG)

# WhiteNoise serves the collected static files right after the security middleware.
_AFTER_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_AFTER_SECURITY],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_AFTER_SECURITY:],
]
