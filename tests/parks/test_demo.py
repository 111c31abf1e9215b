"""The park's demo: resources, bookings through the services, one verification; loading it twice changes nothing."""

import pytest

from apps.parks import demo
from apps.parks.models import Booking, Resource, Visit
from apps.parks.selectors import level_of
from apps.tenancy.models import Cluster
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_demo_park_has_resources_bookings_and_a_verification():
    textile = ClusterFactory(slug="yangtze-textile")
    owners = [UserFactory(email=f"owner{n:02d}@demo.cluster.local") for n in range(1, 5)]
    for owner in owners:
        MembershipFactory(cluster=textile, enterprise=EnterpriseFactory(owner=owner))
    logins = demo.load()
    park = Cluster.objects.get(slug="yangtze-park")
    assert park.kind == "physical" and {email for email, _p, _w in logins} >= {"admin.park@cluster.local"}
    assert Resource.objects.filter(cluster=park).count() == 5
    assert Booking.objects.filter(cluster=park).count() == 6
    assert Booking.objects.filter(cluster=park, status="pending").count() == 2  # the lab needs confirmation
    first = owners[0].enterprise_memberships.get().enterprise
    assert level_of(cluster=park, enterprise_id=first.pk) == "verified"
    demo.load()
    assert Booking.objects.filter(cluster=park).count() == 6 and Visit.objects.filter(cluster=park).count() == 2
