# Cluster Platform: one image for every process (web, worker, beat, migrate).
#
#   docker build -t cluster-platform .
#   docker run --rm -p 8000:8000 -e SECRET_KEY=… -e AUDIT_CHAIN_KEY=… -e ALLOWED_HOSTS=… \
#     -e DATABASE_URL=postgres://… -e REDIS_URL=redis://… -e EMAIL_URL=smtp://… cluster-platform
#
# docker-compose.yml runs this image as web (the default CMD), worker, beat and migrate.
# Production settings have no defaults for SECRET_KEY, AUDIT_CHAIN_KEY, ALLOWED_HOSTS,
# DATABASE_URL and EMAIL_URL: the container refuses to start without them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Unprivileged user that owns the application and runs every process.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app

WORKDIR /app

# Runtime dependencies only (requirements.txt, not requirements-dev.txt). Every pin has a
# binary wheel (psycopg2-binary included), so no compiler is needed. Copied on its own so
# the layer stays cached until the pins change.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code stays owned by root (read-only to the app user); only var/ (collected static
# files, uploaded media) is writable.
COPY . .
RUN mkdir -p /app/var/media /app/var/staticfiles && chown -R app:app /app/var

USER app

# Static files are collected (hashed and compressed by WhiteNoise) at build time, so
# nothing is fetched or compiled when a container starts. The production settings demand
# these five variables; the dummy values below exist for this one RUN step only (build
# arguments are not kept in the image's environment) and nothing connects to them.
ARG SECRET_KEY=collectstatic-only-dummy-key-never-used-at-runtime
ARG AUDIT_CHAIN_KEY=collectstatic-only-dummy-chain-key-never-used-at-runtime
ARG ALLOWED_HOSTS=localhost
ARG DATABASE_URL=sqlite:////tmp/collectstatic-unused.sqlite3
ARG EMAIL_URL=consolemail://
RUN DJANGO_SETTINGS_MODULE=cluster_platform.settings.production \
    SECRET_KEY="${SECRET_KEY}" AUDIT_CHAIN_KEY="${AUDIT_CHAIN_KEY}" ALLOWED_HOSTS="${ALLOWED_HOSTS}" \
    DATABASE_URL="${DATABASE_URL}" EMAIL_URL="${EMAIL_URL}" \
    python manage.py collectstatic --noinput -v 0

ENV DJANGO_SETTINGS_MODULE=cluster_platform.settings.production \
    WEB_CONCURRENCY=3

EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY (set it per machine, e.g. 2 × CPUs + 1).
CMD ["gunicorn", "cluster_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
