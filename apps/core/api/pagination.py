"""The API's one pagination style: every list answers ``{count, next, previous, results}``.

``?page=N&page_size=M``: ``page`` is a positive integer and ``page_size`` too (at most 100:
more is read as 100). Anything else is a 400 naming the parameter. A page past the end is
an empty page (``results: []``, the true ``count``, ``next: null`` and ``previous`` the last
page), never a 404: a client walking ``next`` links, or a list that shrank meanwhile, ends
on an empty page rather than an error. ``tests/core/test_pagination.py`` walks every list.
"""

from django import forms
from django.core.paginator import EmptyPage, Page
from django.core.paginator import Paginator as DjangoPaginator
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_PAGE_SIZE = 100


class PaginationQuery(forms.Form):
    """The declared pagination parameters of every list."""

    page = forms.IntegerField(min_value=1, max_value=2**31, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=2**31, required=False)


class PastTheEnd(Page):
    """An empty page after the last one: its previous page is the last page."""

    def has_next(self):
        return False

    def has_previous(self):
        return self.paginator.count > 0

    def previous_page_number(self):
        return self.paginator.num_pages


class Paginator(DjangoPaginator):
    def page(self, number):
        try:
            return super().page(number)
        except EmptyPage:
            return PastTheEnd([], int(number), self)


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M`` (at most 100 per page); a page past the end is empty."""

    django_paginator_class = Paginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()  # ``page`` is a number, as the schema says

    def _query(self, request) -> dict:
        query = getattr(request, "_pagination_query", None)
        if query is None:
            form = PaginationQuery(request.query_params)
            if not form.is_valid():
                raise ValidationError({name: [str(error) for error in errors] for name, errors in form.errors.items()})
            query = request._pagination_query = form.cleaned_data
        return query

    def get_page_number(self, request, paginator):
        return self._query(request)["page"] or 1

    def get_page_size(self, request):
        size = self._query(request)["page_size"]
        return min(size, self.max_page_size) if size else self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_query_param:
                parameter["description"] = str(
                    _("A page number (from 1). A page past the end is an empty page, not an error.")
                )
            else:
                parameter["description"] = str(_("Results per page (default 20, at most 100: more reads as 100)."))
        return parameters
