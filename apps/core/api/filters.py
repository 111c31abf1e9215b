"""The API's filters, shared by the apps' FilterSets (``apps/<app>/filters.py``), and the
pages' (``PageFilterSet``: a list page's tabs and filters, read through its ``.form``).

Date parameters carry the bounds of ``apps.core.dates``: declare date filters with these
classes and derive FilterSets from ``FilterSet`` (which maps the model's date fields to
them), so ``?need_by_after=0031-01-01`` is a 400 naming the parameter.
``tests/core/test_dates.py`` walks every FilterSet.

A value a filter does not know is a 400 naming its parameter, never a 200 with nothing:
``DjangoFilterBackend`` answers a FilterSet's form errors; ``FilterSet`` turns a plain
``CharFilter`` on a model field with choices (``?status=``) into a choice of them; and
``OrderingFilter`` refuses an ``?ordering=`` term outside the view's ``ordering_fields``.
A query parameter no filter declares is ignored (a proxy's cache-buster or a tracking tag
must not break a list). ``tests/core/test_strict_filters.py`` proves it.
"""

from django import forms as django_forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.utils import get_model_field
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from apps.core import forms

MAX_ID = 2**63 - 1  # a bigint primary key


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a positive integer in plain ASCII digits, else a 400 naming the parameter.

    (``NumberFilter`` takes any decimal, ``1e9`` included; ``str.isdigit`` lets ``²`` through to ``int``.)
    """

    field_class = django_forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DateFilter(filters.DateFilter):
    field_class = forms.DateField


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = forms.DateTimeField


class FilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.DateField: {"filter_class": DateFilter},
        models.DateTimeField: {"filter_class": DateTimeFilter},
    }

    @classmethod
    def get_filters(cls):
        found = super().get_filters()
        model = cls._meta.model
        for name, declared in list(found.items()):
            if model is None or type(declared) is not filters.CharFilter or declared.lookup_expr != "exact":
                continue
            if declared.method is not None:
                continue
            try:
                model_field = get_model_field(model, declared.field_name)
            except FieldDoesNotExist:
                continue
            if model_field is not None and model_field.choices:
                found[name] = filters.ChoiceFilter(
                    field_name=declared.field_name, choices=model_field.choices, label=declared.label
                )
        return found


class OrderingFilter(drf_filters.OrderingFilter):
    """DRF's ``?ordering=``, refusing a term it does not know (a 400 naming ``ordering``)."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        unknown = [term for term in fields if term not in valid]
        if unknown:
            choices = sorted({name for name, _label in self.get_valid_fields(queryset, view, {"request": request})})
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown ordering %(terms)s: choose from %(choices)s (a leading - reverses).")
                        % {"terms": ", ".join(unknown), "choices": ", ".join(choices)}
                    ]
                }
            )
        return valid


class TabFilter(filters.ChoiceFilter):
    """A list page's tab (``?status=``, ``?kind=``): one of ``tabs``, else the ``default`` tab.

    A value outside the tabs is the field's error (so the page's own links leave it out) and the
    page shows the default tab, as ``PageFilterSet.tab`` reads it. ``every`` is the tab that
    filters nothing (``all``).
    """

    field_class = django_forms.ChoiceField

    def __init__(self, *args, tabs=(), default="", every="all", **kwargs):
        self.default, self.every = default, every
        super().__init__(*args, choices=[(str(tab), str(tab)) for tab in tabs], **kwargs)

    def set_tabs(self, tabs, default) -> None:
        """Tabs that depend on the caller (before the FilterSet's form is built)."""
        self.extra["choices"] = [(str(tab), str(tab)) for tab in tabs]
        self.default = default


class PageFilterSet(FilterSet):
    """The declared filters of a list page: the page renders ``.form`` and lists ``.qs``.

    Always bound (an empty query is the default tabs, no filter). A tab that is missing or
    unknown is its default; any other filter that refuses its value is left out, and its
    error is the form's, shown beside the field.
    """

    def __init__(self, data=None, *args, **kwargs):
        super().__init__({} if data is None else data, *args, **kwargs)

    def tab(self, name: str) -> str:
        """The tab the page shows for ``name``: the valid value, else the default."""
        self.is_valid()
        value = self.form.cleaned_data.get(name)
        return value if value not in (None, "") else self.filters[name].default

    def filter_queryset(self, queryset):
        for name, declared in self.filters.items():
            if isinstance(declared, TabFilter):
                value = self.tab(name)
                if value != declared.every:
                    queryset = declared.filter(queryset, value)
            elif name in self.form.cleaned_data:
                queryset = declared.filter(queryset, self.form.cleaned_data[name])
        return queryset
