"""A service never stores a translated sentence: it stores what happened and its parameters.

Text written by the platform is rendered when read, in the reader's language (notification
templates in each app's ``notices``, deal notes in ``DEAL_SYSTEM_NOTES``, reasons in
``membership.reasons``). In the modules that write (services, tasks, the planner, the audit),
a ``gettext`` call may only build an error answered to the caller at once (``raise …`` or an
``…Error(…)``), which is in the language of that caller's request. Any other is a sentence
frozen in the language of whoever happened to trigger the write: this walk finds it.
"""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "gettext_lazy", "ngettext_lazy", "pgettext_lazy"}
#: calls that deliver a text now, to a reader whose language is active (an e-mail): nothing is kept
DELIVERED = {"send_mail", "render_to_string", "EmailMessage", "EmailMultiAlternatives"}


def writing_modules() -> list[Path]:
    modules = [*APPS.glob("*/services/*.py"), *APPS.glob("*/services.py"), *APPS.glob("*/tasks.py")]
    modules += [*APPS.glob("*/audit.py"), APPS / "matching" / "planner.py"]
    return sorted(path for path in modules if path.exists())


def _name(node) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _translates(node, tainted: set[str]) -> bool:
    """The expression holds a gettext call, or a variable that was given one."""
    return any(
        (isinstance(n, ast.Call) and _name(n.func) in GETTEXT) or (isinstance(n, ast.Name) and n.id in tainted)
        for n in ast.walk(node)
    )


def frozen_sentences(source: str) -> list[int]:
    """Lines where a translated sentence is handed on to be kept: as a keyword argument of a call
    (``create(note=…)``, ``audit_record(reason=…)``, ``notify_users(render=…)``) or assigned to an
    attribute (``deal.reason = …``), directly or through a variable. An error's constructor
    (``…Error(…)``) passes: its message is answered to the caller now, in their language; so does
    an e-mail sent now (``DELIVERED``), rendered in its recipient's language."""
    lines = set()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        tainted: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and _translates(node.value, tainted):
                targets = [t for target in node.targets for t in ast.walk(target)]
                tainted |= {t.id for t in targets if isinstance(t, ast.Name)}
                if any(isinstance(t, ast.Attribute) for t in targets):
                    lines.add(node.lineno)
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and not (_name(node.func).endswith("Error") or _name(node.func) in DELIVERED):
                lines |= {k.value.lineno for k in node.keywords if _translates(k.value, tainted)}
    return sorted(lines)


def test_the_walk_finds_a_stored_sentence_and_lets_an_error_pass():
    stored = 'def f(deal):\n    DealEvent.objects.create(deal=deal, note=_("Both sides accepted."))\n'
    kept = 'def g(x):\n    reason = _("Council decision: %(t)s") % {"t": x}\n    audit_record(reason=reason)\n'
    assigned = 'def h(deal):\n    note = _("Replaced.")\n    deal.status, deal.reason = "cancelled", note\n'
    rendered = 'def i(x):\n    notify_users(users=x, render=lambda: (_("Voting is open"), ""))\n'
    assert frozen_sentences(stored) == [2] and frozen_sentences(kept) == [3]
    assert frozen_sentences(assigned) == [3] and frozen_sentences(rendered) == [2]
    answered = 'def j():\n    raise ConflictError(_("Too late."), code="late")\n'
    built = 'def k():\n    errors = {"need_by": [_("In the future.")]}\n    raise ValidationError(errors)\n'
    returned = 'def m():\n    return PermissionDeniedError(_("No."), field="x")\n'
    assert frozen_sentences(answered) == frozen_sentences(built) == frozen_sentences(returned) == []


def test_no_service_stores_a_translated_sentence():
    modules = writing_modules()
    assert len(modules) > 10  # the walk sees the services
    found = {
        str(path.relative_to(APPS.parent)): lines
        for path in modules
        if (lines := frozen_sentences(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"store a code and parameters, rendered when read, instead of the sentence at: {found}"
