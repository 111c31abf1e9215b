"""The house stays in rooms: no module under apps/ (migrations aside) grows past 600 lines."""

from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
LIMIT = 600


def test_no_module_under_apps_is_over_600_lines():
    long = {
        str(path.relative_to(APPS.parent)): lines
        for path in APPS.rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
