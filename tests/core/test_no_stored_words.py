"""A word the platform fills in for the user is stored as a code, never as text in one language.

A model field whose default is text (``default="units"``) stores English for every row nobody
changed, and a Chinese reader reads it in English; a page form whose free-text field starts out
with a translated word (``initial=_("units")``) stores the word in the language of whoever
submitted it. Either is a choice of codes whose labels are rendered when read
(``tests/core/test_no_stored_sentences.py`` does the same walk over what services write).
"""

import importlib
import pkgutil

from django import forms
from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import apps as platform_apps


def _text(value) -> bool:
    return isinstance(value, str | Promise) and bool(str(value))


def defaults_to_a_word(field) -> bool:
    """A text field whose default is text that is not one of its codes (a lazy translation never is)."""
    if not isinstance(field, models.CharField | models.TextField) or not field.has_default():
        return False
    default = field.default
    if callable(default) or not _text(default):
        return False
    return isinstance(default, Promise) or str(default) not in {str(code) for code, _label in field.flatchoices}


def text_defaults() -> dict[str, object]:
    """``app.Model.field`` -> the default of every field of the platform's models that defaults to a word."""
    return {
        f"{model._meta.label}.{field.name}": field.default
        for model in apps.get_models()
        if model.__module__.startswith("apps.")
        for field in model._meta.concrete_fields
        if defaults_to_a_word(field)
    }


def _page_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(platform_apps.__path__, "apps."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    seen, stack = [], [forms.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.startswith("apps."):
                seen.append(subclass)
    return seen


def text_initials(form_classes) -> dict[str, object]:
    """``module.Form.field`` -> the initial text of every free-text field of those forms that starts out filled."""
    return {
        f"{form.__module__}.{form.__name__}.{name}": field.initial
        for form in form_classes
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.CharField) and _text(field.initial)
    }


def test_the_walks_find_a_word_stored_as_text_and_let_a_code_pass():
    class Word(forms.Form):
        unit = forms.CharField(initial="units")
        kind = forms.ChoiceField(choices=[("units", "units")], initial="units")

    assert text_initials([Word]) == {f"{__name__}.Word.unit": "units"}
    codes = [("units", _("units"))]
    assert defaults_to_a_word(models.CharField(max_length=8, default="units"))
    assert defaults_to_a_word(models.CharField(max_length=8, choices=codes, default=_("units")))
    assert defaults_to_a_word(models.TextField(default="To be described"))
    assert not defaults_to_a_word(models.CharField(max_length=8, choices=codes, default="units"))
    assert not defaults_to_a_word(models.CharField(max_length=8, blank=True, default=""))
    assert not defaults_to_a_word(models.CharField(max_length=8, default=str))


def test_no_model_field_defaults_to_a_word():
    walked = {model._meta.label for model in apps.get_models() if model.__module__.startswith("apps.")}
    assert {"parks.Resource", "marketplace.Order", "innovation.Challenge"} <= walked
    assert text_defaults() == {}, "make the field a choice of codes, its labels translated when read"


def test_no_page_form_starts_a_free_text_field_with_a_word():
    form_classes = _page_forms()
    assert {"ResourceForm", "BookingForm"} <= {form.__name__ for form in form_classes}
    assert text_initials(form_classes) == {}, "offer a ChoiceField of codes instead"
