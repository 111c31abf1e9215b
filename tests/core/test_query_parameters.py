"""Every query parameter goes through a declared field that answers 400 naming it; none is read by hand.

Two walks that need no update when an endpoint is added: every declared integer, date and
choice parameter of every GET operation in the OpenAPI schema is fed values it must refuse;
and the source of apps/ is searched for views that read query parameters by hand.
"""

import ast
import functools
import re
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import ClusterFactory, ClusterRoleFactory, StaffFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

APPS = Path(__file__).resolve().parents[2] / "apps"
BAD = ("²", "-1", "1e9", "abc")
# Pagination is declared too (apps/core/api/pagination.py): ?page=abc and ?page_size=-1 are 400s naming them,
# so the walk below feeds them bad values like any other parameter.
PAGINATION: frozenset[str] = frozenset()


@functools.cache
def get_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        (path, tuple(item["get"].get("parameters", ())))
        for path, item in sorted(schema["paths"].items())
        if "get" in item and not re.search(r"\{(?!(cluster_)?slug\})[^}]+\}", path)
    )


def checked_parameters():
    for path, parameters in get_operations():
        for parameter in parameters:
            if parameter["in"] != "query" or parameter["name"] in PAGINATION:
                continue
            schema = parameter.get("schema", {})
            if schema.get("type") == "integer" or schema.get("format") in ("date", "date-time") or "enum" in schema:
                yield path, parameter["name"], schema


def test_the_walk_finds_the_parameters_that_crashed():
    found = {(path.rsplit("/", 2)[-2], name) for path, name, _schema in checked_parameters()}
    assert {("metrics", "limit"), ("audit-events", "enterprise"), ("matches", "status")} <= found


@pytest.mark.django_db
def test_every_declared_parameter_refuses_bad_values_with_a_400_naming_it(as_user):
    cluster = ClusterFactory(slug="target")
    staff = StaffFactory()
    ClusterRoleFactory(cluster=cluster, user=staff)
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=staff))
    client = as_user(staff)
    wrong = []
    for path, name, schema in checked_parameters():
        for value in BAD:
            if value in [str(choice) for choice in schema.get("enum", ())]:
                continue
            response = client.get(re.sub(r"\{(cluster_)?slug\}", cluster.slug, path), {name: value})
            errors = response.json().get("errors", {}) if response["Content-Type"] == "application/json" else {}
            if response.status_code != 400 or name not in errors:
                wrong.append((path, name, value, response.status_code, response.content[:120]))
    assert not wrong, wrong


# Hand reads that remain, each reviewed (none: the pages' tabs, page numbers, searches and ?next= are
# declared in apps/core/forms.py, PageQuery and NextForm). Counted per file: a new hand read fails the
# test below until it is a declared field.
REVIEWED_HAND_READS: dict[str, int] = {}
HAND_READS = ("query_params", "GET")


def hand_reads(tree: ast.AST) -> list[int]:
    """Lines reading ``request.GET`` / ``….query_params`` or calling ``.isdigit()`` and its kin."""
    lines = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in HAND_READS) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("isdigit", "isnumeric", "isdecimal")
        ):
            lines.add(node.lineno)
    return sorted(lines)


def declared_reads(tree: ast.AST) -> set[int]:
    """Lines that hand the whole QueryDict to a declared field: ``Form(request.GET)``, ``Query(data=….query_params)``."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for argument in [*node.args, *(keyword.value for keyword in node.keywords)]:
                if isinstance(argument, ast.Attribute) and argument.attr in HAND_READS:
                    lines.add(argument.lineno)
    return lines


def test_no_view_reads_query_parameters_by_hand():
    found = {}
    for path in sorted(APPS.rglob("*.py")):
        relative = path.relative_to(APPS).as_posix()
        if path.name in ("filters.py", "forms.py") or "/engine/" in relative or relative.startswith("core/middleware"):
            continue  # declared fields, the engine's own region codes, and the NUL guard that scans every parameter
        if relative in ("membership/validators.py",):
            continue  # validates a credit code's region digits (ASCII-checked first), not a query parameter
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = [line for line in hand_reads(tree) if line not in declared_reads(tree)]
        if lines:
            found[relative] = lines
    unexpected = {
        relative: lines for relative, lines in found.items() if len(lines) > REVIEWED_HAND_READS.get(relative, 0)
    }
    assert not unexpected, f"query parameters read by hand (declare them in <app>/filters.py): {unexpected}"


def test_the_search_catches_the_shape_that_crashed():
    source = """
def scoped_queryset(self, *, cluster, user):
    raw = self.request.query_params.get("limit", "100")
    limit = min(int(raw), 1000) if raw.isdigit() else 100
    form = Form(request.GET)
"""
    tree = ast.parse(source)
    assert [line for line in hand_reads(tree) if line not in declared_reads(tree)] == [3, 4]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["subject=²", "subject=-1", "subject=1e9", "listing=order:²", "listing=order%3A1e9"])
def test_the_report_page_answers_404_for_a_target_that_is_no_id(client, query):
    """The page read ?subject= with str.isdigit() and int(): '²' was a 500."""
    cluster = ClusterFactory()
    owner = StaffFactory()
    MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=owner))
    client.force_login(owner)
    assert client.get(f"/clusters/{cluster.slug}/reports/new/?{query}").status_code == 404
