"""The park's pages: resources with the week calendar and the booking form, bookings, visits, the map."""

import datetime
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from apps.parks.models import Booking, Resource, Visit
from tests.factories import ClusterFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.factories.parks import AuditorFactory, BookingFactory, ResourceFactory, VisitFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def page(park, rest):
    return f"/clusters/{park.cluster.slug}/{rest}"


def test_the_resource_page_shows_the_week_and_books_through_its_form(park):
    BookingFactory(resource=park.lab, enterprise=park.b, starts_at=at(1, 10), ends_at=at(1, 12))
    client = logged_in(park.a_owner)
    week = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.get(page(park, f"resources/{park.lab.pk}/?week={week}"))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="calendar"' in html
    assert html.count('data-state="full"') == 2  # 10:00 and 11:00 of that day
    assert park.b.legal_name_zh not in html  # the calendar says how much is taken, not by whom
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        page(park, f"resources/{park.lab.pk}/"),
        {
            "enterprise": park.a.pk,
            "starts_at": at(1, 11).strftime(fmt),
            "ends_at": at(1, 13).strftime(fmt),
            "quantity": 1,
        },
    )
    assert response.status_code == 400 and "already booked" in response.content.decode()
    response = client.post(
        page(park, f"resources/{park.lab.pk}/"),
        {
            "enterprise": park.a.pk,
            "starts_at": at(1, 12).strftime(fmt),
            "ends_at": at(1, 13).strftime(fmt),
            "quantity": 1,
        },
    )
    assert response.status_code == 302
    assert Booking.objects.filter(enterprise=park.a).count() == 1
    assert client.get(page(park, "resources/?week=2026-13-45")).status_code == 200
    assert client.get(page(park, f"resources/{park.lab.pk}/?week=nonsense")).status_code == 200


def test_an_administrator_creates_a_resource_and_confirms_bookings_from_the_queue(park):
    admin = logged_in(park.admin)
    response = admin.post(
        page(park, "resources/new/"),
        {
            "kind": "showroom",
            "name_zh": "展厅",
            "location": "Hall 3",
            "capacity": 2,
            "capacity_unit": "booths",
            "bookable_by": "members",
            "price": "50.00",
            "price_unit": "hour",
            "currency": "CNY",
            "requires_confirmation": "on",
            "active": "on",
            "mon_open": "09:00",
            "mon_close": "17:00",
            "sat_open": "10:00",
            "sat_close": "23:59",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    showroom = Resource.objects.get(name_zh="展厅")
    assert showroom.opening_hours == {"mon": ["09:00", "17:00"], "sat": ["10:00", "24:00"]}
    assert logged_in(park.a_owner).get(page(park, "resources/new/")).status_code == 403
    pending = BookingFactory(resource=showroom, enterprise=park.a, status="pending", note="Launch")
    queue = admin.get(page(park, "bookings/?status=pending")).content.decode()
    assert "Launch" in queue and "Confirm" in queue
    assert admin.post(page(park, f"bookings/{pending.pk}/confirm/")).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "confirmed"
    # a member sees only its own bookings, and may not confirm
    assert "Launch" not in logged_in(park.b_owner).get(page(park, "bookings/")).content.decode()
    assert logged_in(park.a_owner).post(page(park, f"bookings/{pending.pk}/reject/")).status_code == 403
    pending.refresh_from_db()
    assert pending.status == "confirmed"


def test_an_auditor_schedules_and_records_a_visit_on_the_pages(park):
    auditor = AuditorFactory(cluster=park.cluster).user
    client = logged_in(auditor)
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(page(park, "visits/"), {"enterprise": park.a.pk, "scheduled_for": at(2, 10).strftime(fmt)})
    assert response.status_code == 302
    visit = Visit.objects.get(enterprise=park.a)
    form = {f"{item}_ok": "on" for item in ("licence", "site")} | {"level": "verified", "photo_captions": "Gate\nHall"}
    refused = client.post(page(park, f"visits/{visit.pk}/"), form)
    assert refused.status_code == 400  # verified needs the equipment seen too
    form["equipment_ok"] = "on"
    assert client.post(page(park, f"visits/{visit.pk}/"), form).status_code == 302
    visit.refresh_from_db()
    assert visit.level == "verified" and [p["caption"] for p in visit.photos] == ["Gate", "Hall"]
    html = client.get(page(park, f"visits/{visit.pk}/")).content.decode()
    assert 'data-testid="level-in-force"' in html and 'data-testid="record-form"' not in html
    # the member reads its own visit; another member gets a 404
    assert logged_in(park.a_owner).get(page(park, f"visits/{visit.pk}/")).status_code == 200
    assert logged_in(park.b_owner).get(page(park, f"visits/{visit.pk}/")).status_code == 404


def test_the_map_places_members_by_city_and_resources_by_point(park, other_cluster):
    ResourceFactory(cluster=park.cluster, name_zh="物流中心", latitude=31.2, longitude=121.5)
    ResourceFactory(cluster=other_cluster, name_zh="别处的仓库", latitude=30.2, longitude=120.1)
    html = logged_in(park.a_owner).get(page(park, "map/")).content.decode()
    assert 'data-testid="svg-map"' in html and html.count('class="province"') >= 30
    assert html.count('data-testid="map-member"') == 1  # both members are in Shaoxing
    assert html.count('data-testid="map-resource"') == 1 and "别处的仓库" not in html
    assert "<script" not in html.split('data-testid="svg-map"')[1].split("</svg>")[0]
    with override_settings(MAP_TILE_URL="https://tiles.example.com/{z}/{x}/{y}.png"):
        html = logged_in(park.a_owner).get(page(park, "map/")).content.decode()
    assert 'id="map-points"' in html and "leaflet-1.9.4/leaflet.js" in html and "物流中心" in html


def test_pages_refuse_outsiders(park, other_cluster_admin):
    for rest in ("resources/", f"resources/{park.lab.pk}/", "bookings/", "visits/", "map/"):
        assert logged_in(other_cluster_admin).get(page(park, rest)).status_code in (403, 404), rest


def test_the_visit_list_is_the_members_own(park):
    VisitFactory(cluster=park.cluster, enterprise=park.b)
    html = logged_in(park.a_owner).get(page(park, "visits/")).content.decode()
    assert park.b.legal_name_zh not in html and 'data-testid="visit-form"' not in html


def test_the_map_shows_the_south_china_sea_islands_and_the_dashed_line(park):
    """南海诸岛 in the customary inset at the lower right, inside the map, on the SVG and over tiles alike."""
    from apps.parks import geo

    html = logged_in(park.a_owner).get(page(park, "map/")).content.decode()
    inset = html.split('data-testid="map-south-china-sea"')[1].split("</g>")[0]
    assert "南海诸岛" in inset and 'class="inset-box"' in inset and 'data-testid="map-dashed-line"' in inset
    box = geo.south_china_sea()["box"]
    width, height = (float(v) for v in geo.view_box().split()[2:])
    assert box["x"] > width / 2 and box["y"] > height / 2  # the lower right
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
    dashes = geo.south_china_sea()["dashes"]
    assert dashes.count("M") >= 9  # the dashes, each its own shape
    for x, y in (map(float, pt.split(",")) for pt in dashes.replace("M", " ").replace("Z", " ").split()):
        assert box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]
    # over the deployment's tiles the dashed line travels with the points, in degrees
    with override_settings(MAP_TILE_URL="https://tiles.example.com/{z}/{x}/{y}.png"):
        html = logged_in(park.a_owner).get(page(park, "map/")).content.decode()
    points = json.loads(html.split('id="map-points" type="application/json">')[1].split("</script>")[0])
    lats = [lat for dash in points["dashed_line"] for lat, _lng in dash]
    assert len(points["dashed_line"]) >= 9 and min(lats) < 5 and max(lats) < 25


def test_the_map_places_a_partner_at_its_shared_resources(park):
    from tests.factories.partnerships import PartnershipFactory

    textile = ClusterFactory(slug="textile-map")
    PartnershipFactory(proposer=textile, partner=park.cluster)
    ResourceFactory(cluster=park.cluster, latitude=31.3, longitude=120.6, bookable_by="members_and_partners")
    ResourceFactory(cluster=park.cluster, name_zh="不共享的", latitude=40.0, longitude=116.4)  # not shared: not seen
    owner = UserFactory()
    MembershipFactory(cluster=textile, enterprise=EnterpriseFactory(owner=owner))
    html = logged_in(owner).get(f"/clusters/{textile.slug}/map/").content.decode()
    assert html.count('data-testid="map-partner"') == 1 and "不共享的" not in html
    # the park's own map lists the textile partner (nothing of its own placed: no shared resources)
    html = logged_in(park.a_owner).get(page(park, "map/")).content.decode()
    assert 'data-testid="map-partner"' not in html and (textile.name_en in html or textile.name_zh in html)
