import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.innovation import ExpertProfileFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory


def when(days: float) -> str:
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


@dataclass
class World:
    cluster: object
    admin: object
    seeker: object
    seeker_owner: object
    solver: object
    solver_owner: object
    rival: object
    rival_owner: object
    partner: object
    partner_owner: object
    expert: object
    expert_profile: object
    foreign_owner: object

    def url(self, path: str) -> str:
        return f"/api/v1/clusters/{self.cluster.slug}/{path}"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(db):
    cluster, other = ClusterFactory(), ClusterFactory()
    owners = [UserFactory() for _ in range(5)]
    seeker = EnterpriseFactory(owner=owners[0], legal_name_en="Leading Dyeing Co", region_code="330600")
    solver = EnterpriseFactory(owner=owners[1], legal_name_en="Solver Weaving Co")
    rival = EnterpriseFactory(owner=owners[2], legal_name_en="Rival Solver Co")
    partner = EnterpriseFactory(owner=owners[3], legal_name_en="Partner Finishing Co")
    for enterprise in (seeker, solver, rival, partner):
        MembershipFactory(cluster=cluster, enterprise=enterprise)
    MembershipFactory(cluster=other, enterprise=EnterpriseFactory(owner=owners[4]))
    expert = UserFactory()
    profile = ExpertProfileFactory(cluster=cluster, user=expert, capabilities=["dyeing-finishing"], tags=["polyester"])
    return World(
        cluster=cluster,
        admin=ClusterRoleFactory(cluster=cluster).user,
        seeker=seeker,
        seeker_owner=owners[0],
        solver=solver,
        solver_owner=owners[1],
        rival=rival,
        rival_owner=owners[2],
        partner=partner,
        partner_owner=owners[3],
        expert=expert,
        expert_profile=profile,
        foreign_owner=owners[4],
    )


def challenge_body(world, **overrides) -> dict:
    body = {
        "seeker": world.seeker.pk,
        "title": "Low-temperature polyester dyeing",
        "summary": "Dye polyester below 100 °C without carriers.",
        "details": "CONFIDENTIAL: our current recipe runs at 130 °C with disperse dyes X and Y.",
        "terms": "The details stay confidential for three years.",
        "capabilities": ["dyeing-finishing"],
        "tags": ["polyester"],
        "deadline": when(30),
        "award_amount": "50000.00",
        "award_currency": "CNY",
        "production_capability": "dyeing-finishing",
        "production_quantity": 5000,
        "production_unit": "m",
        "production_unit_price": "12.00",
        "rights": "licence",
        "publish": True,
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def _empty_documents_storage():
    """Each test starts with an empty documents storage (the in-memory one of the test settings)."""
    from django.core.files.storage import storages

    storages._storages.pop("documents", None)
    yield
    storages._storages.pop("documents", None)


def stored_files(path: str = "") -> list[str]:
    """Every key kept in the documents storage under ``path``."""
    from apps.dealroom.storage import documents_storage

    try:
        folders, names = documents_storage().listdir(path)
    except FileNotFoundError:
        return []
    keys = [f"{path}/{name}".lstrip("/") for name in names]
    for folder in folders:
        keys += stored_files(f"{path}/{folder}".lstrip("/"))
    return sorted(keys)
