"""The demo: the park cluster partnered in force with the textile cluster, idempotently."""

import pytest

from apps.partnerships import demo, selectors
from apps.partnerships.models import Partnership
from apps.tenancy.models import Cluster
from tests.partnerships.conftest import make_side

pytestmark = pytest.mark.django_db


def test_the_demo_partnership_is_in_force_and_loads_once():
    textile = make_side("yangtze-textile").cluster
    demo.load()
    park = Cluster.objects.get(slug="yangtze-park")
    assert park.kind == "physical"
    assert selectors.partners_in_force(textile) == {park.pk}
    assert selectors.covers(park, textile, "resources")
    demo.load()
    assert Partnership.objects.count() == 1
