"""Reference data exists in both scripts and reads in the reader's language: every row has its
Chinese and its English name (and a certification its two labels), the reference API answers
the request's one beside both, and a page shows the reader's one."""

import re

import pytest
from django.urls import reverse

from apps.reference.models import Capability, CertificationScheme, IndustryCode, Region
from tests.factories import UserFactory
from tests.factories.membership import CertificationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MODELS = [IndustryCode, Capability, CertificationScheme, Region]


def rows_of(response) -> list[dict]:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_reference_row_is_named_in_both_scripts(model):
    rows = list(model.objects.all())
    assert rows, f"no {model.__name__} loaded"
    for row in rows:
        assert CJK.search(row.name_zh), f"{model.__name__} {row.pk}: no Chinese name ({row.name_zh!r})"
        assert row.name_en and not CJK.search(row.name_en), f"{model.__name__} {row.pk}: English {row.name_en!r}"


def test_every_certification_label_and_every_province_is_in_both_scripts():
    for scheme in CertificationScheme.objects.all():
        assert scheme.label_zh and scheme.label_en, scheme.code
        assert not CJK.search(scheme.label_en), f"{scheme.code}: English label {scheme.label_en!r}"
    for region in Region.objects.all():
        assert CJK.search(region.province_zh) and not CJK.search(region.province_en), region.code
    national = CertificationScheme.objects.get(code="high-tech-enterprise")
    assert (national.label_zh, national.label_en) == ("高新技术企业", "HNTE")


@pytest.mark.parametrize(
    ("path", "key", "field"),
    [
        ("regions/", "code", "name"),
        ("capabilities/", "code", "name"),
        ("industry-codes/", "code", "name"),
        ("certification-schemes/", "code", "label"),
    ],
)
def test_the_reference_api_answers_the_requests_language_beside_both(client, path, key, field):
    english = rows_of(client.get(f"/api/v1/reference/{path}", **EN))
    chinese = rows_of(client.get(f"/api/v1/reference/{path}", **ZH))
    assert english and len(english) == len(chinese)
    for en_row, zh_row in zip(english, chinese, strict=True):
        assert en_row[key] == zh_row[key]
        assert en_row[f"{field}_en"] == zh_row[f"{field}_en"] and en_row[f"{field}_zh"] == zh_row[f"{field}_zh"]
        assert en_row[field] == en_row[f"{field}_en"] and zh_row[field] == zh_row[f"{field}_zh"]


def test_region_answers_its_province_in_the_requests_language(client):
    zhejiang = rows_of(client.get("/api/v1/reference/regions/?province=33", **ZH))
    assert zhejiang and all(r["code"].startswith("33") for r in zhejiang)
    shaoxing = next(r for r in zhejiang if r["code"] == "330600")
    assert (shaoxing["name"], shaoxing["province"]) == ("绍兴市", "浙江省")
    assert client.get("/api/v1/reference/regions/?province=3", **ZH).status_code == 400


def test_the_enterprise_page_shows_reference_names_in_the_readers_language(client):
    owner = UserFactory()
    # registered in a district of Shaoxing, its name typed in Chinese: the page names the city
    enterprise = EnterpriseFactory(
        owner=owner,
        legal_name_zh="越城测试织造有限公司",
        legal_name_en="Yuecheng Test Weaving Co., Ltd.",
        region_code="330602",
        region_name="绍兴越城",
    )
    enterprise.capabilities.set(["weaving"])
    CertificationFactory(enterprise=enterprise, scheme=CertificationScheme.objects.get(code="high-tech-enterprise"))
    client.force_login(owner)
    address = reverse("enterprise-detail", args=[enterprise.pk])

    english = client.get(address, **EN).content.decode()
    assert "Shaoxing" in english and "绍兴市" not in english
    assert "HNTE" in english and "High and New Technology Enterprise" in english and "高新技术企业" not in english
    assert Capability.objects.get(code="weaving").name_en in english

    chinese = client.get(address, **ZH).content.decode()
    assert "绍兴市" in chinese and "Shaoxing" not in chinese
    assert "高新技术企业" in chinese and "HNTE" not in chinese
    assert Capability.objects.get(code="weaving").name_zh in chinese


def test_a_region_the_reference_lacks_shows_the_name_as_registered(client):
    owner = UserFactory()
    enterprise = EnterpriseFactory(owner=owner, region_code="990000", region_name="Somewhere else")
    client.force_login(owner)
    page = client.get(reverse("enterprise-detail", args=[enterprise.pk]), **ZH).content.decode()
    assert "Somewhere else" in page


def test_a_clusters_region_and_industry_focus_read_in_the_readers_language(client):
    from tests.factories import ClusterFactory

    cluster = ClusterFactory(
        industry_focus="Textiles and garments",
        industry_focus_zh="纺织服装",
        region="Yangtze River Delta",
        region_zh="长三角",
    )
    plain = ClusterFactory(industry_focus="Moulds", region="Pearl River Delta")  # no Chinese given
    english = client.get("/clusters/", **EN).content.decode()
    assert "Yangtze River Delta" in english and "Textiles and garments" in english
    assert "长三角" not in english and "纺织服装" not in english
    chinese = client.get("/clusters/", **ZH).content.decode()
    assert "长三角" in chinese and "纺织服装" in chinese and "Yangtze River Delta" not in chinese
    assert "Pearl River Delta" in chinese  # the English one when no Chinese is given
    detail = client.get(reverse("cluster-detail", args=[cluster.slug]), **ZH).content.decode()
    assert "长三角" in detail and "纺织服装" in detail
    body = client.get(f"/api/v1/clusters/{plain.slug}/").json()
    assert (body["region"], body["region_zh"], body["industry_focus_zh"]) == ("Pearl River Delta", "", "")
