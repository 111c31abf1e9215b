"""Every query parameter a page takes is fed values it must cope with: never a 500, never a value used unchecked.

What a page does with a bad value, as ``apps.core.forms.PageQuery`` documents it:

- ``?page=`` (an IntegerField, at least 1): a value it refuses shows the first page, as
  ``Paginator.get_page`` does for a page number that is no number;
- a tab (``?status=``, ``?kind=``, ``?show=``, ``?scope=``; a ChoiceField): a value outside its choices
  shows the default tab;
- a typed filter (a date, a capability, a certification) or a search box too long for its field: the page
  answers 200 with the field's error shown beside it, and the filter is left out.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.core.forms import PageQuery, SearchPageQuery, next_url
from apps.governance.services.council import council_bootstrap
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

LONG = "9" * 10_000
JUNK = "\u202e<script>'\"&;--%00 \U0001f600\t"
VALUES = ("²", "-1", "abc", LONG, JUNK)
# Fields that refuse every value in VALUES (none is a date, a capability or a certification code).
TYPED = {"need_by_after", "need_by_before", "available_on", "start_by_before", "capability", "certification"}
# Free text: only the 10,000 characters are too long.
TEXT = {"q", "region"}

# (page, URL name, needs the cluster, extra query, the parameters it declares, their defaults)
PAGES = [
    ("home", "home", False, {}, {"q": "", "kind": "", "page": 1}),
    ("notifications", "notification-list", None, {}, {"page": 1}),
    ("proposals", "proposal-list", True, {}, {"status": "all", "kind": "", "page": 1}),
    ("proposal form", "proposal-create", True, {}, {"kind": None}),
    ("petition form", "petition-create", True, {}, {"kind": None}),
    ("rulebook", "rulebook", True, {}, {"page": 1}),
    (
        "market, orders",
        "market",
        True,
        {},
        {
            "kind": "order",
            "page": 1,
            "q": "",
            "capability": "",
            "region": "",
            "need_by_after": "",
            "need_by_before": "",
        },
    ),
    ("market, capacity", "market", True, {"kind": "capacity"}, {"available_on": ""}),
    ("market, channel requests", "market", True, {"kind": "channel_request"}, {"start_by_before": ""}),
    ("my listings", "my-listings", True, {}, {"kind": "order", "show": "active", "page": 1}),
    ("my matches", "my-matches", True, {}, {"status": "all", "scope": "mine", "page": 1}),
    ("my deals", "my-deals", True, {}, {"status": "active", "scope": "all", "page": 1}),
    ("matching runs", "matching-runs", True, {}, {"kind": "all", "page": 1}),
    ("moderation queue", "moderation-queue", True, {}, {"status": "pending", "q": "", "page": 1}),
    ("member history", "member-history", "membership", {}, {"page": 1}),
    ("member directory", "member-directory", True, {}, {"q": "", "capability": "", "region": "", "certification": ""}),
    ("reports", "cluster-reports", True, {}, {"status": "open", "page": 1}),
]


@pytest.fixture
def world(db):
    """The cluster's administrator, who owns a member too, and a council member (an administrator may hold no seat)."""
    cluster = ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory()).user
    membership = MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=admin))
    councillor = UserFactory()
    enterprise = EnterpriseFactory(owner=councillor)
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    now = timezone.now()
    council_bootstrap(
        actor=admin,
        cluster=cluster,
        seats=[
            {
                "holder": councillor,
                "chamber": "leading_enterprises",
                "enterprise": enterprise,
                "term_start": now - datetime.timedelta(days=30),
                "term_end": now + datetime.timedelta(days=365),
            }
        ],
    )
    return SimpleNamespace(cluster=cluster, admin=admin, councillor=councillor, membership=membership)


def _url(world, name, scoped):
    if scoped == "membership":
        return reverse(name, args=[world.cluster.slug, world.membership.pk])
    return reverse(name, args=[world.cluster.slug]) if scoped else reverse(name)


def _shown_errors(response, name) -> list[str]:
    """The errors the page holds for parameter ``name``: its filter form's, or the search box's."""
    context = response.context
    form = context.get("form") if "form" in context else None
    if name == "q" and "query_errors" in context:
        return list(context["query_errors"])
    if form is not None and name in getattr(form, "fields", {}):
        return list(form.errors.get(name, ()))
    return []


@pytest.mark.parametrize(("label", "name", "scoped", "base", "defaults"), PAGES, ids=[page[0] for page in PAGES])
def test_a_page_copes_with_any_value_of_each_parameter(world, client, label, name, scoped, base, defaults):
    client.force_login(world.councillor if name in ("proposal-create", "petition-create") else world.admin)
    url = _url(world, name, scoped)
    wrong = []
    for parameter, default in defaults.items():
        for value in VALUES:
            response = client.get(url, {**base, parameter: value})  # a 500 raises here
            if response.status_code != 200:
                wrong.append((parameter, value[:20], response.status_code))
                continue
            errors = _shown_errors(response, parameter)
            invalid = parameter in TYPED or (parameter in TEXT and value == LONG)
            if invalid and not errors:
                wrong.append((parameter, value[:20], "no error shown"))
            for error in errors:  # an error the form holds is on the page
                if escape(error) not in response.content.decode():
                    wrong.append((parameter, value[:20], "error not rendered", error))
            if parameter == "page" and response.context["page"].number != 1:
                wrong.append((parameter, value[:20], "page", response.context["page"].number))
            elif name in ("proposal-create", "petition-create"):  # ?kind= preselects a kind, or none
                form = response.context.get("form")
                if form is not None and form.initial.get("kind") is not None:
                    wrong.append((parameter, value[:20], "kind taken", form.initial["kind"]))
            elif parameter in ("status", "kind", "show", "scope") and response.context[parameter] != default:
                wrong.append((parameter, value[:20], "tab", response.context[parameter]))  # the default tab
    assert not wrong, wrong


def test_the_pages_own_links_keep_the_valid_declared_parameters_only(world, client):
    client.force_login(world.admin)
    response = client.get(
        reverse("market", args=[world.cluster.slug]),
        {"kind": "order", "q": "loom", "region": LONG, "page": "2", "utm": "x", "need_by_after": "2030-01-01"},
    )
    assert response.context["paging_query"] == "kind=order&q=loom&need_by_after=2030-01-01"


def test_page_query_declares_its_fallbacks():
    query = PageQuery({"page": "abc", "status": "nope"}, status=(("all", "open"), "all"))
    assert (query.value("page"), query.value("status")) == (None, "all")
    assert set(query.errors) == {"page", "status"}
    query = PageQuery({"page": "3", "status": "open"}, status=(("all", "open"), "all"))
    assert (query.value("page"), query.value("status")) == (3, "open")
    search = SearchPageQuery({"q": "  loom  "})
    assert search.value("q") == "loom"
    assert SearchPageQuery({"q": LONG}).value("q") == ""


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/clusters/x/matches/?status=all", "/clusters/x/matches/?status=all"),
        ("https://evil.example/", "/default/"),
        ("//evil.example/", "/default/"),
        ("javascript:alert(1)", "/default/"),
        (LONG, "/default/"),
        ("", "/default/"),
    ],
)
def test_next_is_followed_only_to_a_page_of_this_site(target, expected):
    request = RequestFactory().get("/", {"next": target})
    assert next_url(request, "/default/") == expected
    posted = RequestFactory().post("/?next=https://evil.example/", {"next": target})
    assert next_url(posted, "/default/") == (expected if target else "/default/")
