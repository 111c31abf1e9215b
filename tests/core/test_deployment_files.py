"""The deployment files say what the README promises (no Docker engine needed to check).

docker-compose.yml runs web, worker and beat from one image on PostgreSQL and Redis, in
the right order; the Dockerfile installs the runtime requirements only; every requirement
is pinned, and the compiled requirement files (pip-tools) agree with the ones they come from.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "matching", "beat")
PROCESS_SERVICES = ("web", "worker", "matching", "beat")
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?==[A-Za-z0-9._+!-]+$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _env(service: dict) -> dict:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the "KEY=value" list form
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def _requirement_lines(name: str) -> list[str]:
    lines = []
    for raw in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or line.startswith(("-r", "-c")):
            continue
        lines.append(line)
    return lines


def test_compose_defines_every_service(services):
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)


def test_postgres_and_redis_have_healthchecks_and_pinned_major_versions(services, compose):
    assert services["postgres"]["image"].split(":")[1].startswith("16")
    assert services["redis"]["image"].split(":")[1].startswith("7")
    assert "pg_isready" in str(services["postgres"]["healthcheck"]["test"])
    assert "ping" in str(services["redis"]["healthcheck"]["test"])
    postgres_volume = services["postgres"]["volumes"][0].split(":")[0]
    assert postgres_volume in compose["volumes"], "PostgreSQL data must live in a named volume"


def test_web_worker_beat_and_migrate_run_one_image_built_from_the_dockerfile(services):
    builds = {repr(services[name].get("build")) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}
    assert len(builds) == 1 and None not in [services[name].get("build") for name in APP_SERVICES]
    assert len(images) == 1 and None not in images
    build = services["web"]["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context / dockerfile).is_file()


def test_each_process_runs_what_it_is_named_after(services):
    def command(name):
        cmd = services[name]["command"]
        return cmd if isinstance(cmd, str) else " ".join(cmd)

    assert "manage.py migrate --noinput" in command("migrate")
    assert "gunicorn cluster_platform.wsgi:application" in command("web")
    assert "0.0.0.0:8000" in command("web")
    assert "celery -A cluster_platform worker" in command("worker")
    assert "celery -A cluster_platform beat" in command("beat")
    assert "--schedule /tmp/celerybeat-schedule" in command("beat")


def test_beat_never_runs_more_than_one_replica(services):
    beat = services["beat"]
    assert int(beat.get("deploy", {}).get("replicas", 1)) <= 1
    assert int(beat.get("scale", 1)) <= 1


def test_every_app_service_is_configured_for_production_on_postgres_and_redis(services):
    for name in APP_SERVICES:
        env = _env(services[name])
        assert env.get("DJANGO_SETTINGS_MODULE") == "cluster_platform.settings.production", name
        assert str(env.get("DATABASE_URL", "")).startswith("postgres://"), name
        assert "@postgres:5432/" in env["DATABASE_URL"], name
        assert env.get("REDIS_URL") == "redis://redis:6379/0", name
        # No secret baked into the file: compose refuses to start without SECRET_KEY or AUDIT_CHAIN_KEY.
        assert env.get("SECRET_KEY") == "${SECRET_KEY:?set SECRET_KEY}", name
        assert env.get("AUDIT_CHAIN_KEY") == "${AUDIT_CHAIN_KEY:?set AUDIT_CHAIN_KEY}", name
        for key in ("ALLOWED_HOSTS", "EMAIL_URL"):
            assert env.get(key), f"{name} must set {key} (production settings have no default)"
        assert env.get("EMAIL_URL") == "${EMAIL_URL:-consolemail://}", name
        assert env.get("SECURE_SSL_REDIRECT") == "${SECURE_SSL_REDIRECT:-false}", name


def test_start_order_is_enforced_by_depends_on_conditions(services):
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in PROCESS_SERVICES:
        depends_on = services[name]["depends_on"]
        assert isinstance(depends_on, dict), f"{name}: depends_on needs the long form with conditions"
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
    assert services["migrate"].get("restart") == "no", "the one-shot migrate service must not restart"


def test_web_healthcheck_calls_the_health_endpoint(services):
    test = services["web"]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(test)
    assert "/health/" in text
    if not isinstance(test, str) and test[:3] == ["CMD", "python", "-c"]:
        compile(test[3], "web-healthcheck", "exec")  # the inline probe is valid Python


def test_dockerfile_installs_runtime_requirements_only_and_runs_gunicorn_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    instructions = [
        line.strip() for line in dockerfile.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert instructions[0].startswith("FROM python:3.11-slim")
    code = "\n".join(instructions)
    assert re.search(r"pip install\b.*-r requirements\.txt", code)
    assert "requirements-dev.txt" not in code
    assert any(line.startswith("USER ") and "root" not in line for line in instructions)
    assert "collectstatic --noinput" in code
    assert "cluster_platform.settings.production" in code
    assert "cluster_platform.wsgi:application" in code and "0.0.0.0:8000" in code


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", "var", ".git", ".env"} <= ignored
    assert any("__pycache__" in entry for entry in ignored)


def _pins(name: str) -> dict[str, str]:
    """Each requirement's normalised name (extras dropped) and pinned version."""
    pins = {}
    for line in _requirement_lines(name):
        requirement, version = line.split("==")
        pins[re.sub(r"[-_.]+", "-", requirement.split("[")[0]).lower()] = version
    return pins


@pytest.mark.parametrize("name", ["requirements.in", "requirements.txt", "requirements-dev.in", "requirements-dev.txt"])
def test_every_requirement_is_pinned(name):
    lines = _requirement_lines(name)
    assert lines, f"{name} lists no requirement"
    unpinned = [line for line in lines if not PIN.match(line)]
    assert not unpinned, f"{name}: pin these with ==: {unpinned}"


@pytest.mark.parametrize(
    ("source", "compiled"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_the_compiled_requirements_hold_every_declared_pin(source, compiled):
    """An edited ``.in`` file was recompiled (``make requirements``): its pins are in the compiled file."""
    declared, pinned = _pins(source), _pins(compiled)
    stale = {name: version for name, version in declared.items() if pinned.get(name) != version}
    assert not stale, f"{compiled} does not pin these as {source} does: {stale} (run make requirements)"


def test_development_installs_the_runtime_versions_and_the_image_no_development_tools():
    runtime, development = _pins("requirements.txt"), _pins("requirements-dev.txt")
    differing = {
        name: (version, development.get(name)) for name, version in runtime.items() if development.get(name) != version
    }
    assert not differing, f"requirements-dev.txt must hold requirements.txt's versions: {differing}"
    for tool in ("honcho", "pytest", "pip-tools", "ruff"):
        assert tool not in runtime and tool in development, tool


def test_full_plans_have_their_own_queue_and_scalable_worker_service(services, settings):
    from cluster_platform.celery import app

    def command(name):
        cmd = services[name]["command"]
        return cmd if isinstance(cmd, str) else " ".join(cmd)

    assert "worker -Q celery " in command("worker")  # the latency-sensitive default queue only
    assert "worker -Q matching " in command("matching")
    assert "--concurrency 1" in command("matching")  # --scale matching=N: N solver processes
    assert "replicas" not in services["matching"].get("deploy", {}) and "scale" not in services["matching"]
    assert settings.CELERY_MATCHING_QUEUE == "matching"
    route = app.amqp.router.route
    for task in ("matching.replan_cluster", "matching.plan_chunk", "matching.solve_blocks", "matching.merge_plan"):
        assert route({}, task)["queue"].name == "matching", task
    assert route({}, "matching.match_listing")["queue"].name == "celery"
    procfile = (ROOT / "Procfile.dev").read_text(encoding="utf-8")
    assert "worker -Q celery,matching " in procfile  # make run's one worker consumes both
