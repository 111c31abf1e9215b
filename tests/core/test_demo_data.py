import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "tenancy", "account", "membership", "marketplace", "governance", "innovation"}
    }


def test_demo_data_is_believable_and_idempotent(capsys):
    call_command("load_demo")
    first = snapshot()
    out = capsys.readouterr().out
    assert "admin.textile@cluster.local" in out and "cluster-demo-2026" in out

    from apps.tenancy.models import Cluster, ClusterRole

    assert Cluster.objects.count() >= 3
    assert set(Cluster.objects.values_list("kind", flat=True)) == {"virtual", "physical", "hybrid"}
    assert all(ClusterRole.objects.filter(cluster=c, role="administrator").exists() for c in Cluster.objects.all())

    # across the park's partnership: a shared listing matched across, a cross-cluster deal, a partner booking
    from apps.marketplace.models import Deal
    from apps.parks.models import Booking

    textile, park = Cluster.objects.get(slug="yangtze-textile"), Cluster.objects.get(slug="yangtze-park")
    deal = Deal.objects.select_related("match__order", "match__capacity").get(cluster=textile, partner_cluster=park)
    assert deal.match.order.shared_with_partners and deal.match.capacity.cluster_id == park.pk
    assert deal.match.run.kind == "incremental" and deal.status == "in_production"
    assert Booking.objects.filter(cluster=park, partner_cluster=textile, resource__bookable_by="members_and_partners")
    _innovation_demo_is_there()

    call_command("load_demo")
    assert snapshot() == first


def _innovation_demo_is_there():
    """An open challenge with submissions (one by a consortium), an award whose production is a
    marketplace order, an expert, and a library with a lesson from a closed deal both parties consented to."""
    from apps.innovation.models import Award, Challenge, ExpertProfile, KnowledgeEntry, Solution
    from apps.marketplace.models import Order

    challenges = Challenge.objects.filter(cluster__slug="yangtze-textile")
    assert set(challenges.values_list("status", flat=True)) == {"open", "awarded"}
    assert Solution.objects.filter(challenge__status="open", kind="consortium", shares__isnull=False).exists()
    award = Award.objects.get(challenge__in=challenges)
    assert Order.objects.get(pk=award.order_id).owner_id == award.challenge.seeker_id
    assert ExpertProfile.objects.filter(cluster__slug="yangtze-textile").exists()
    lesson = KnowledgeEntry.objects.get(kind="lesson", status="published")
    assert lesson.source_deal.status == "closed"
    assert set(lesson.consents.values_list("enterprise_id", flat=True)) == {
        lesson.source_deal.buyer_id,
        lesson.source_deal.supplier_id,
    }


def test_demo_logins_work(client):
    call_command("load_demo")
    assert client.login(email="admin.textile@cluster.local", password="cluster-demo-2026")
    roles = client.get("/api/v1/me/").json()["roles"]
    assert roles == [
        {
            "cluster": "yangtze-textile",
            "cluster_name": "Yangtze Delta Textile & Apparel Cluster",
            "role": "administrator",
        }
    ]


def test_the_printed_logins_name_every_role_a_newcomer_can_try_on_every_load(capsys):
    for _load in range(2):  # the second load creates nothing and must print the same logins
        call_command("load_demo")
        lines = [line.split(None, 2) for line in capsys.readouterr().out.splitlines()[1:] if "@" in line]
        roles = {email: what for email, _password, what in lines}
        assert len(roles) == len(lines)  # one line per person
        said = " | ".join(roles.values())
        for role in (
            "platform staff",
            "administrator of yangtze-textile",
            "member of yangtze-textile",
            "applying to yangtze-textile",
            "council seat (Leading enterprises) of yangtze-textile",
            "council seat (Industry experts) of yangtze-textile",
            "council seat (Institutions) of yangtze-textile",
        ):
            assert role in said, role


def test_a_person_with_two_roles_is_printed_once_with_both():
    from apps.tenancy.management.commands.load_demo import merged

    people = merged([("a@x", "pw", "owner of A"), ("b@x", "pw", "staff"), ("a@x", "pw", "council seat")])
    assert people == {"a@x": ("pw", ["owner of A", "council seat"]), "b@x": ("pw", ["staff"])}


def test_a_role_two_loaders_both_name_is_printed_once():
    from apps.tenancy.management.commands.load_demo import merged

    people = merged([("p@x", "pw", "administrator of park"), ("p@x", "pw", "administrator of park")])
    assert people == {"p@x": ("pw", ["administrator of park"])}
