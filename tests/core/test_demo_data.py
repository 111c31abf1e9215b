import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model._meta.label: sorted(model.objects.values_list("pk", flat=True))
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "tenancy", "account", "membership", "marketplace", "governance"}
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

    call_command("load_demo")
    assert snapshot() == first


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
