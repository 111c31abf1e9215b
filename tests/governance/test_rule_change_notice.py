"""The council changed the rules: the notification names each parameter as people read it, in the
reader's language, not by its raw key."""

from django.utils import translation

from apps.notifications import messages


def _body(language: str, changes: dict) -> str:
    with translation.override(language):
        return messages.render("governance.rule_changed", {"title": "T", "changes": changes})[1]


def test_each_parameter_reads_by_its_name_and_unit_in_the_readers_language():
    from apps.tenancy.rules import REGISTRY

    rule = REGISTRY["moderation.open_reports_to_suspend"]
    english = _body("en", {"moderation.open_reports_to_suspend": 4})
    assert "moderation.open_reports_to_suspend" not in english
    with translation.override("en"):
        assert english.startswith(f"{rule.name}: 4")
    chinese = _body("zh-hans", {"moderation.open_reports_to_suspend": 4})
    with translation.override("zh-hans"):
        assert chinese.startswith(f"{rule.name}: 4")
    assert chinese != english  # the name is translated


def test_a_retired_parameter_still_reads_by_its_key():
    assert _body("en", {"gone.away": 1}) == "gone.away = 1"
