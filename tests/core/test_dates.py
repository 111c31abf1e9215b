"""Dates and datetimes, everywhere: bounded on every input path, answered in one format.

Every DateField / DateTimeField of every serializer, FilterSet and page form carries the
span of ``apps.core.dates`` (walked, so a new field without it fails here); dates out of
range are a 400 (or a form error) naming the field and write nothing; and every datetime
the API answers, in every GET of a seeded world, is UTC with ``Z``.
"""

import datetime
import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_filters import FilterSet
from rest_framework import serializers
from rest_framework.test import APIClient

import apps
from apps.core.api.fields import DateField, DateTimeField
from apps.core.dates import DATE_MAX, DATE_MIN, FIELD_SPANS, DateSpanValidator, format_utc, span_of
from apps.governance.models import Proposal, Seat
from apps.marketplace.models import CapacityOffer, Order
from apps.membership.models import EnterpriseCertification
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.security.test_isolation import CASES, LISTING_BODIES, build_world, operations

YEAR_31 = "0031-03-01"
YEAR_5532 = "5532-03-01"
STRICT_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
LOOKS_LIKE_DATETIME = re.compile(r"^[+-]?\d{4,6}-\d\d-\d\d[T ]\d\d:\d\d")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- every input path carries the bounds (walked) ----------------------------------------------


def _app_modules():
    for info in pkgutil.walk_packages(apps.__path__, "apps."):
        if ".migrations" in info.name or ".management" in info.name:
            continue
        yield importlib.import_module(info.name)


def _classes(base):
    seen = {}
    for module in _app_modules():
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, base) and obj.__module__.startswith("apps."):
                seen[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return seen


def _serializer_fields(serializer, path):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.ListField | serializers.DictField):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _serializer_fields(field, f"{path}.{name}")
        else:
            yield f"{path}.{name}", field


def _bounded(validators) -> bool:
    return any(isinstance(v, DateSpanValidator) for v in validators)


def test_every_serializer_date_field_is_the_bounded_one():
    classes = _classes(serializers.Serializer)
    assert len(classes) > 40  # the walk reaches the API's serializers
    checked, unbounded = [], []
    for name, cls in classes.items():
        if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
            continue  # an abstract base
        for path, field in _serializer_fields(cls(), name):
            if isinstance(field, serializers.DateField | serializers.DateTimeField):
                checked.append(path)
                if not isinstance(field, DateField | DateTimeField) or not _bounded(field.validators):
                    unbounded.append(path)
    assert len(checked) > 40
    assert not unbounded, f"date fields without the bounds of apps.core.dates: {unbounded}"


def test_model_fields_get_their_span_from_the_one_table():
    from apps.governance.api.serializers import SeatSerializer
    from apps.marketplace.api.serializers import OrderSerializer
    from apps.membership.api.serializers import CertificationSerializer

    assert SeatSerializer().fields["term_end"].span.name == "term"
    assert OrderSerializer().fields["need_by"].span.name == "plan"
    assert CertificationSerializer().fields["valid_until"].span.name == "validity"
    assert OrderSerializer().fields["created_at"].span.name == "any"


def test_every_named_span_names_a_real_date_field():
    from django.apps import apps as registry
    from django.db import models

    for key in FIELD_SPANS:
        label, name = key.rsplit(".", 1)
        field = registry.get_model(label)._meta.get_field(name)
        assert isinstance(field, models.DateField | models.DateTimeField), key
        assert span_of(field) is FIELD_SPANS[key]


def _views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield getattr(pattern.callback, "cls", None)

    return {view for view in walk(get_resolver().url_patterns) if view is not None}


def _date_form_fields(form_fields, path):
    for name, field in form_fields.items():
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
            yield f"{path}.{name}", field


def test_every_filterset_date_filter_is_bounded():
    filtersets = set(_classes(FilterSet).values())
    filtersets |= {view.filterset_class for view in _views() if getattr(view, "filterset_class", None)}
    checked, unbounded = [], []
    for cls in filtersets:
        if cls._meta.model is None:
            continue
        form = cls(data={}, queryset=cls._meta.model.objects.none()).form
        for path, field in _date_form_fields(form.fields, cls.__qualname__):
            checked.append(path)
            if not _bounded(field.validators):
                unbounded.append(path)
    assert len(checked) >= 4
    assert not unbounded, f"date filters without the bounds of apps.core.dates: {unbounded}"


def test_every_page_form_date_field_is_bounded():
    checked, unbounded = [], []
    for name, cls in _classes(forms.BaseForm).items():
        for path, field in _date_form_fields(cls.base_fields, name):
            checked.append(path)
            if not _bounded(field.validators):
                unbounded.append(path)
    assert len(checked) >= 10
    assert not unbounded, f"form date fields without the bounds of apps.core.dates: {unbounded}"


# --- out of range: 400 naming the field, nothing written -----------------------------------------


@pytest.fixture
def world(db):
    return build_world()


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    assert "errors" in response.json(), response.content
    return response.json()["errors"]


@pytest.mark.parametrize("when", [f"{YEAR_31}T00:00:00+08:00", f"{YEAR_5532}T00:00:00Z", "2099-01-01T00:00:00"])
@pytest.mark.parametrize("field", ["term_start", "term_end"])
def test_a_seat_term_out_of_range_is_400_naming_the_field(db, field, when):
    cluster = ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster).user
    now = timezone.now()
    body = {
        "holder": UserFactory().email,
        "chamber": "institutions",
        "term_start": now.isoformat(),
        "term_end": (now + datetime.timedelta(days=365)).isoformat(),
        field: when,
    }
    if when.startswith("2099") and field == "term_start":
        body["term_end"] = "2100-01-01T00:00:00"  # a term that starts in 2099 is in range, and ordered
    # an empty council is constituted in one act, its seats in a list
    response = _as(admin).post(f"/api/v1/clusters/{cluster.slug}/council/seats/", {"seats": [body]}, format="json")
    if when.startswith("2099"):  # within the span: the bounds do not refuse what is sensible
        assert response.status_code == 201, response.content
        return
    errors = _errors(response)
    assert list(errors) == [f"seats.0.{field}"]
    low = (timezone.localdate() - datetime.timedelta(days=3653)).isoformat()[:4]
    assert errors[f"seats.0.{field}"][0].startswith(f"Enter a date between {low}-") and errors[f"seats.0.{field}"][
        0
    ].endswith(f"{DATE_MAX}.")
    assert not Seat.objects.filter(cluster=cluster).exists()


def test_market_dates_out_of_range_are_400_naming_the_field(world):
    orders = f"/api/v1/clusters/{world.target.slug}/orders/"
    capacities = f"/api/v1/clusters/{world.target.slug}/capacities/"
    before = Order.objects.count(), CapacityOffer.objects.count()
    member = _as(world.a_owner)
    for need_by in (YEAR_31, YEAR_5532):
        body = {**LISTING_BODIES["orders"], "owner": world.a.pk, "need_by": need_by}
        assert list(_errors(member.post(orders, body, format="json"))) == ["need_by"]
    # planning looks ten years ahead at most
    eleven_years = (timezone.localdate() + datetime.timedelta(days=11 * 366)).isoformat()
    body = {**LISTING_BODIES["orders"], "owner": world.a.pk, "need_by": eleven_years}
    assert list(_errors(member.post(orders, body, format="json"))) == ["need_by"]
    body = {**LISTING_BODIES["capacities"], "owner": world.b.pk, "available_until": YEAR_5532}
    assert list(_errors(_as(world.b_owner).post(capacities, body, format="json"))) == ["available_until"]
    # an edit too
    detail = f"{orders}{world.order.pk}/"
    assert list(_errors(member.patch(detail, {"need_by": YEAR_5532}, format="json"))) == ["need_by"]
    assert (Order.objects.count(), CapacityOffer.objects.count()) == before
    world.order.refresh_from_db()
    assert world.order.need_by.year < 2100


@pytest.mark.parametrize(
    ("param", "value"),
    [("need_by_after", YEAR_31), ("need_by_before", YEAR_5532), ("created_after", YEAR_5532), ("status", None)],
)
def test_a_date_filter_out_of_range_is_400_naming_the_parameter(world, param, value):
    url = f"/api/v1/clusters/{world.target.slug}/orders/"
    if value is None:  # the same list answers with a date in range
        assert _as(world.a_owner).get(url, {"need_by_after": "2001-01-01"}).status_code == 200
        return
    assert list(_errors(_as(world.a_owner).get(url, {param: value}))) == [param]
    capacities = f"/api/v1/clusters/{world.target.slug}/capacities/"
    assert list(_errors(_as(world.a_owner).get(capacities, {"available_on": value}))) == ["available_on"]


def test_certification_and_governance_dates_out_of_range_are_400(world):
    certifications = f"/api/v1/enterprises/{world.a.pk}/certifications/"
    body = {"scheme": "iso14001", "number": "N-9", "issuer": "CQC", "valid_until": YEAR_5532}
    assert list(_errors(_as(world.a_owner).post(certifications, body, format="json"))) == ["valid_until"]
    assert not EnterpriseCertification.objects.filter(number="N-9").exists()

    council = _as(world.council_user)
    proposals = f"/api/v1/clusters/{world.target.slug}/proposals/"
    draft = {"kind": "policy", "title": "t", "body": "b", "effective_at": f"{YEAR_5532}T00:00:00Z"}
    assert list(_errors(council.post(proposals, draft, format="json"))) == ["effective_at"]
    assert not Proposal.objects.filter(title="t").exists()
    draft = {"kind": "policy", "title": "t", "body": "b"}
    created = council.post(proposals, draft, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    amend = council.patch(f"{proposals}{pk}/", {"effective_at": f"{YEAR_31}T00:00:00+08:00"}, format="json")
    assert list(_errors(amend)) == ["effective_at"]
    assert council.post(f"{proposals}{pk}/submit/").status_code == 200
    closes = council.post(f"{proposals}{pk}/open-voting/", {"closes_at": f"{YEAR_5532}T00:00:00Z"}, format="json")
    assert list(_errors(closes)) == ["closes_at"]
    assert Proposal.objects.get(pk=pk).voting_closes_at is None


def test_an_overflowing_datetime_is_400_not_500(world):
    council = _as(world.council_user)
    proposals = f"/api/v1/clusters/{world.target.slug}/proposals/"
    for when in ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00", "0001-01-01T00:00:00"):
        draft = {"kind": "policy", "title": "t", "body": "b", "effective_at": when}
        assert list(_errors(council.post(proposals, draft, format="json"))) == ["effective_at"]


# --- the pages refuse them too -------------------------------------------------------------------


@pytest.fixture
def as_(client):
    def _login(user):
        client.logout()
        client.force_login(user)
        return client

    return _login


def test_pages_show_a_date_out_of_range_on_its_field(world, as_):
    slug = world.target.slug
    empty = ClusterFactory()  # the founding council's page form: only an empty council is constituted
    row = {"holder": world.outsider.email, "chamber": "institutions", "enterprise": ""}
    response = as_(ClusterRoleFactory(cluster=empty).user).post(
        reverse("council-bootstrap", args=[empty.slug]),
        {
            "seats-TOTAL_FORMS": "1",
            "seats-INITIAL_FORMS": "0",
            "seats-MAX_NUM_FORMS": "100",
            **{f"seats-0-{name}": value for name, value in row.items()},
            "seats-0-term_start": "0031-01-01T00:00",
            "seats-0-term_end": "5532-01-01T00:00",
        },
        **EN,
    )
    assert response.status_code == 200
    errors = response.context["founding"].forms[0].errors
    assert set(errors) == {"term_start", "term_end"} and errors["term_end"][0].startswith("Enter a date between")
    assert not Seat.objects.filter(holder=world.outsider).exists()

    response = as_(world.a_owner).post(
        reverse("enterprise-detail", args=[world.a.pk]),
        {"scheme": "iso14001", "number": "Q-9", "issuer": "CQC", "valid_until": "5532-01-01"},
        **EN,
    )
    assert list(response.context["certification_form"].errors) == ["valid_until"]
    assert not EnterpriseCertification.objects.filter(number="Q-9").exists()

    response = as_(world.a_owner).get(reverse("market", args=[slug]), {"need_by_after": "0031-01-01"}, **EN)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["need_by_after"]


# --- one datetime format in every answer ---------------------------------------------------------


def test_format_utc():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    assert format_utc(datetime.datetime(2026, 12, 1, 16, 0, tzinfo=shanghai)) == "2026-12-01T08:00:00Z"
    assert format_utc(datetime.datetime(2026, 12, 1, 8, 0, 0, 5, tzinfo=datetime.UTC)) == "2026-12-01T08:00:00.000005Z"
    assert (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)) == (DATE_MIN, DATE_MAX)


def _strings(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")
    elif isinstance(value, str):
        yield path, value


ALLAUTH_GETS = (
    "/_allauth/browser/v1/config",
    "/_allauth/browser/v1/auth/session",
    "/_allauth/browser/v1/account/email",
    "/_allauth/browser/v1/auth/sessions",
)


def test_every_datetime_the_api_answers_is_utc_with_z(world, client):
    """Every GET operation of the schema, as the administrator, a council member and a member."""
    seen, bad = set(), []
    for user in (world.admin, world.council_user, world.a_owner):
        api = _as(user)
        for method, path in operations():
            if method != "GET":
                continue
            params = CASES[(method, path)][0](world) if (method, path) in CASES else {}
            try:
                url = path.format(cluster_slug=world.target.slug, **params)
            except KeyError:  # a reference detail: its lists are walked
                continue
            response = api.get(url)
            assert response.status_code < 500, (url, response.status_code)
            if response.status_code != 200 or not response.content:
                continue
            for where, value in _strings(response.json(), url):
                if LOOKS_LIKE_DATETIME.match(value):
                    seen.add(where.split(".", 1)[-1])
                    if not STRICT_UTC.match(value):
                        bad.append(f"{where} = {value}")
        client.force_login(user)
        for url in ALLAUTH_GETS:
            response = client.get(url)
            assert response.status_code < 500, (url, response.status_code)
            for where, value in _strings(response.json(), url):
                if LOOKS_LIKE_DATETIME.match(value) and not STRICT_UTC.match(value):
                    bad.append(f"{where} = {value}")
    assert not bad, "datetimes not in UTC with Z:\n" + "\n".join(bad)
    # the walk reached model fields, nested ones and hand-built answers
    assert {"results.0.term_start", "results.0.created_at", "results.0.taken_at", "checked_at"} <= seen, seen
    assert len(seen) > 20
