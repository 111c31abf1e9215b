"""Form fields shared by the page forms and the API's filters, and the pages' declared query parameters."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from apps.core.dates import Bounded, span_of
from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError


class DateField(Bounded, forms.DateField):
    """A date within its span (``apps.core.dates``)."""


class DateTimeField(Bounded, forms.DateTimeField):
    """A datetime within its span (``apps.core.dates``)."""


def model_formfield(model, name: str, **overrides) -> forms.Field:
    """The model field's form field (label, help text, max length, choices), with overrides;
    a date or datetime gets the bounded field with the model field's span."""
    field = model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        overrides = {"form_class": DateTimeField, "span": span_of(field), **overrides}
    elif isinstance(field, models.DateField):
        overrides = {"form_class": DateField, "span": span_of(field), **overrides}
    return field.formfield(**overrides)


class PageQuery(forms.Form):
    """A list page's query string, declared: ``?page=`` and the page's tabs (``?status=``, ``?kind=``, …).

    Bound to ``request.GET`` and validated at once; no value it is given raises or reaches a query unchecked:

    - ``page`` is an IntegerField (at least 1). A value it refuses (``abc``, ``-1``, ``²``, 10,000 digits)
      shows the first page, and a number past the end the last one, as ``Paginator.get_page`` does: the
      page links are the site's own, and a hand-edited page number is not worth an error page.
    - each tab is a ChoiceField whose initial is the default tab. A value outside its choices shows the
      default tab, as these pages always did, but through the field rather than a comparison by hand.
    - any other field (a search box, in subclasses) that refuses its value is left out of the results,
      and the template shows its error beside the box (``form.<name>.errors``), like the filter forms.
    """

    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, **tabs):
        """``tabs`` maps each tab's parameter to ``(allowed values, default)``."""
        super().__init__(data)
        for name, (values, default) in tabs.items():
            self.fields[name] = forms.ChoiceField(
                required=False, choices=[(str(value), str(value)) for value in values], initial=default
            )
        self.is_valid()

    def value(self, name: str):
        """The field's valid value, else its initial (the default tab; no page number)."""
        value = self.cleaned_data.get(name)
        return self.fields[name].initial if value in self.fields[name].empty_values else value

    def page_of(self, queryset, size: int):
        return Paginator(queryset, size).get_page(self.value("page"))


class SearchPageQuery(PageQuery):
    """A list page with a search box ``?q=`` (at most 100 characters, trimmed)."""

    q = forms.CharField(required=False, max_length=100, initial="")


class NextForm(forms.Form):
    """``?next=`` (or a posted ``next``): where to go back to, only if it stays on this site."""

    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, data, *, request):
        super().__init__(data)
        self.request = request

    def clean_next(self):
        target = self.cleaned_data["next"]
        if target and not url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            raise forms.ValidationError(_("Not a page of this site."))
        return target


def next_url(request, default: str) -> str:
    """The posted ``next``, else ``?next=``, when it is a page of this site; else ``default``."""
    for data in (request.POST, request.GET):
        form = NextForm(data, request=request)
        if not form.is_valid():
            return default
        if form.cleaned_data["next"]:
            return form.cleaned_data["next"]
    return default


def query_string(*bound_forms: forms.Form) -> str:
    """The valid parameters the forms declare, for links that keep the page's query (``page`` left off)."""
    pairs = []
    for form in bound_forms:
        for name in form.fields:
            if name != "page" and name not in form.errors:
                pairs += [(name, value) for value in form.data.getlist(name) if value != ""]
    return urlencode(pairs)


def add_refusal(form: forms.Form, error: Exception, aliases: dict[str, str] | None = None) -> None:
    """A service refused: put its message on the field it names when the form shows it (``aliases``
    maps a service's field to the form's), else on top.

    Refusals of access (``PermissionDeniedError``, ``NotFoundError``) are not input errors: they propagate.
    """
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error

    def on(name):
        name = (aliases or {}).get(name, name)
        return name if name in form.fields else None

    if isinstance(error, DomainError):
        form.add_error(on(error.field), str(error.message))
        return
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                form.add_error(on(name), message)
        return
    if isinstance(error, ValidationError):
        form.add_error(None, error)
        return
    raise error
