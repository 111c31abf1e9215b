"""What each kind of notification says: templates rendered in the reader's language when read.

A notification stores its ``kind`` and ``params`` (what happened: ids, names, numbers), never
a sentence. Each app registers the kinds it raises from its ``AppConfig.ready()`` (the
notifications app imports no higher app); a page, the API, the bell and the e-mail render a
row with :func:`render` under the reader's active language.

A template's title and body are lazy translated strings with ``%(name)s`` placeholders, or
callables ``(values) -> str`` for a sentence that depends on the parameters. ``prepare``
turns stored parameters into display values (labels, lists) in the active language.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

Text = Any  # a lazy translated string or a callable (values) -> str


@dataclass(frozen=True)
class MessageTemplate:
    title: Text
    body: Text = ""
    prepare: Callable[[dict], dict] | None = None


_TEMPLATES: dict[str, MessageTemplate] = {}


def name_of(thing) -> dict | str:
    """A name to store in ``params`` in both scripts, read in the reader's (enterprises, clusters).

    Duck-typed, so that this app imports none above it: ``legal_name_en``/``legal_name_zh``
    (an enterprise) or ``name_en``/``name_zh`` (a cluster, reference data); anything else as text.
    """
    for en, zh in (("legal_name_en", "legal_name_zh"), ("name_en", "name_zh")):
        if hasattr(thing, zh):
            chinese, english = getattr(thing, zh) or "", getattr(thing, en, "") or ""
            return {"i18n": {"en": english or chinese, "zh": chinese or english}}
    return str(thing)


def _localized(value, language: str):
    if isinstance(value, dict) and set(value) == {"i18n"}:
        return value["i18n"]["zh" if language.startswith("zh") else "en"]
    return value


def register(kind: str, title: Text, body: Text = "", *, prepare: Callable[[dict], dict] | None = None) -> None:
    """Declare how a kind reads (idempotent: a reload re-registers the same kind)."""
    _TEMPLATES[kind] = MessageTemplate(title=title, body=body, prepare=prepare)


def registered_kinds() -> frozenset[str]:
    return frozenset(_TEMPLATES)


def _text(template: Text, values: dict) -> str:
    if callable(template) and not isinstance(template, str | Promise):
        return str(template(values))
    return str(template) % values if template else ""


def render(kind: str, params: dict | None, *, fallback: tuple[str, str] = ("", "")) -> tuple[str, str]:
    """``(title, body)`` of a kind in the active language; ``fallback`` when it cannot be rendered.

    Rows stored before templates existed (``params`` is None) and kinds nobody registered read
    their legacy stored text.
    """
    template = _TEMPLATES.get(kind)
    if template is None or params is None:
        return fallback
    language = translation.get_language() or ""
    values = {key: _localized(value, language) for key, value in params.items()}
    try:
        if template.prepare is not None:
            values = template.prepare(values)
        return _text(template.title, values), _text(template.body, values)
    except (KeyError, TypeError, ValueError, LookupError):
        return fallback
