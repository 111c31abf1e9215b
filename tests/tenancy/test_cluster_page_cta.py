"""The cluster page's call to action: each person sees where they stand and their next step
(issue 15, item 7), in English and Chinese, in a bounded number of queries."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.membership.models import EnterpriseMember, Membership
from tests.factories import ClusterRoleFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

EN = "en-US,en;q=0.9"
ZH = "zh-CN,zh;q=0.9"
APPLY_EN, APPLY_ZH = "Apply to join", "申请入驻"


@pytest.fixture(autouse=True)
def _restore_active_language():
    before = translation.get_language()
    yield
    translation.activate(before or "en")


def page(client, cluster, lang=EN) -> str:
    response = client.get(f"/clusters/{cluster.slug}/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def apply_link(cluster) -> str:
    return f'href="/clusters/{cluster.slug}/apply/"'


def owner_with(cluster, status=None):
    user = UserFactory()
    enterprise = EnterpriseFactory(owner=user)
    if status:
        MembershipFactory(cluster=cluster, enterprise=enterprise, status=status)
    return user, enterprise


@pytest.mark.parametrize("lang,text", [(EN, "Sign up or log in to apply"), (ZH, "注册或登录后即可申请")])
def test_a_visitor_is_invited_to_sign_up_or_log_in_back_to_the_apply_page(client, cluster, lang, text):
    html = page(client, cluster, lang)
    assert text in html
    nxt = quote(f"/clusters/{cluster.slug}/apply/", safe="")
    assert f'href="/accounts/signup/?next={nxt}"' in html
    assert f'href="/accounts/login/?next={nxt}"' in html
    assert APPLY_EN not in html and APPLY_ZH not in html


@pytest.mark.parametrize("lang,text", [(EN, "Register your enterprise first"), (ZH, "请先登记您的企业")])
def test_a_person_without_an_enterprise_is_sent_to_register_one(client, cluster, user, lang, text):
    client.force_login(user)
    html = page(client, cluster, lang)
    assert text in html
    assert f'href="/enterprises/new/?next=/clusters/{cluster.slug}/apply/"' in html
    assert apply_link(cluster) not in html and "Apply to join" not in html and "申请入驻" not in html


def test_registering_an_enterprise_from_the_cluster_page_leads_on_to_the_apply_page(client, cluster, user):
    from tests.membership.test_pages import registration

    client.force_login(user)
    back = f"/clusters/{cluster.slug}/apply/"
    response = client.post(f"/enterprises/new/?next={back}", registration(), HTTP_ACCEPT_LANGUAGE=EN)
    assert response.status_code == 302
    assert response.url == back
    html = page(client, cluster)
    assert apply_link(cluster) in html


def test_enterprise_create_ignores_a_next_to_another_site(client, user):
    from tests.membership.test_pages import registration

    client.force_login(user)
    response = client.post("/enterprises/new/?next=https://evil.example/", registration(), HTTP_ACCEPT_LANGUAGE=EN)
    assert response.status_code == 302 and response.url.startswith("/enterprises/")


@pytest.mark.parametrize("lang,apply", [(EN, APPLY_EN), (ZH, APPLY_ZH)])
def test_an_owner_whose_enterprise_could_apply_sees_apply_to_join(client, cluster, lang, apply):
    user, _ = owner_with(cluster)
    client.force_login(user)
    html = page(client, cluster, lang)
    assert apply in html and apply_link(cluster) in html
    assert 'data-status="none"' in html


@pytest.mark.parametrize("lang,text", [(EN, "is pending since"), (ZH, "正在审核中")])
def test_a_pending_application_shows_pending_and_no_apply_button(client, cluster, lang, text):
    user, enterprise = owner_with(cluster, Membership.Status.PENDING)
    client.force_login(user)
    html = page(client, cluster, lang)
    assert text in html
    with translation.override("zh-hans" if lang == ZH else "en"):
        assert enterprise.name in html
    assert apply_link(cluster) not in html
    assert APPLY_EN not in html and APPLY_ZH not in html


def test_pending_after_applying_through_the_apply_page(client, cluster):
    user, enterprise = owner_with(cluster)
    client.force_login(user)
    assert apply_link(cluster) in page(client, cluster)
    response = client.post(
        f"/clusters/{cluster.slug}/apply/", {"enterprise": enterprise.pk, "note": "We weave."}, HTTP_ACCEPT_LANGUAGE=EN
    )
    assert response.status_code == 302
    html = page(client, cluster)
    assert f"Your application ({enterprise.legal_name_en}) is pending since" in html
    assert apply_link(cluster) not in html


@pytest.mark.parametrize(
    "status,en,zh",
    [
        (Membership.Status.REJECTED, "was declined.", "的申请未获批准。"),
        (Membership.Status.LEFT, "left this cluster.", "已退出本集群。"),
        (Membership.Status.EXPELLED, "was expelled from this cluster.", "已被本集群除名。"),
    ],
)
def test_rejected_left_or_expelled_say_so_and_may_apply_again(client, cluster, status, en, zh):
    user, _ = owner_with(cluster, status)
    client.force_login(user)
    html = page(client, cluster, EN)
    assert en in html and "It may apply again." in html and apply_link(cluster) in html
    html = page(client, cluster, ZH)
    assert zh in html and "可以重新申请。" in html and APPLY_ZH in html


@pytest.mark.parametrize("lang,text", [(EN, "is suspended"), (ZH, "已被暂停")])
def test_a_suspended_member_is_told_so_without_apply(client, cluster, lang, text):
    user, _ = owner_with(cluster, Membership.Status.SUSPENDED)
    client.force_login(user)
    html = page(client, cluster, lang)
    assert text in html
    assert apply_link(cluster) not in html


@pytest.mark.parametrize("lang,text", [(EN, "is a member of this cluster."), (ZH, "是本集群的成员。")])
def test_an_active_member_is_shown_the_market_and_the_dashboard(client, cluster, lang, text):
    user, _ = owner_with(cluster, Membership.Status.ACTIVE)
    client.force_login(user)
    html = page(client, cluster, lang)
    assert text in html
    assert 'data-testid="market-link"' in html and 'data-testid="my-dashboard-link"' in html
    assert apply_link(cluster) not in html


@pytest.mark.parametrize(
    "lang,text,apply", [(EN, "You administer this cluster", APPLY_EN), (ZH, "您是本集群的管理员", APPLY_ZH)]
)
def test_an_administrator_sees_moderation_with_the_pending_count_and_never_apply(client, cluster, lang, text, apply):
    admin = ClusterRoleFactory(cluster=cluster).user
    EnterpriseFactory(owner=admin)  # even with an enterprise that could apply
    MembershipFactory.create_batch(2, cluster=cluster, status=Membership.Status.PENDING)
    client.force_login(admin)
    html = page(client, cluster, lang)
    assert text in html
    assert f'href="/clusters/{cluster.slug}/moderation/"' in html
    assert 'data-testid="moderation-pending">2<' in html
    assert apply not in html and apply_link(cluster) not in html


def test_several_enterprises_each_show_their_state(client, cluster):
    user = UserFactory()
    pending = EnterpriseFactory(owner=user, legal_name_en="Pending Weavers")
    active = EnterpriseFactory(owner=user, legal_name_en="Active Dyers")
    fresh = EnterpriseFactory(owner=user, legal_name_en="Fresh Knitters")
    staffed = EnterpriseFactory(legal_name_en="Staffed Mills")
    PersonFactory(enterprise=staffed, user=user, role=EnterpriseMember.Role.STAFF)
    MembershipFactory(cluster=cluster, enterprise=pending, status=Membership.Status.PENDING)
    MembershipFactory(cluster=cluster, enterprise=active, status=Membership.Status.ACTIVE)
    MembershipFactory(enterprise=fresh)  # a membership of another cluster does not count here
    client.force_login(user)
    html = page(client, cluster)
    assert "Your application (Pending Weavers) is pending since" in html
    assert "Active Dyers is a member of this cluster." in html
    assert "Fresh Knitters is not a member." in html and "It can apply to join." in html
    assert "Staffed Mills is not a member." in html and "Its owners and administrators can apply." in html
    assert apply_link(cluster) in html  # Fresh Knitters can


def test_a_staff_person_alone_cannot_apply(client, cluster):
    user = UserFactory()
    PersonFactory(user=user, role=EnterpriseMember.Role.STAFF)
    client.force_login(user)
    html = page(client, cluster)
    assert "Its owners and administrators can apply." in html
    assert apply_link(cluster) not in html


def _queries(client, cluster) -> int:
    page(client, cluster)  # warm the per-request caches that do not depend on the data
    with CaptureQueriesContext(connection) as ctx:
        page(client, cluster)
    return len(ctx.captured_queries)


def test_the_state_costs_a_bounded_number_of_queries_whatever_the_number_of_enterprises(client, cluster):
    user = UserFactory()
    EnterpriseFactory(owner=user)
    client.force_login(user)
    one = _queries(client, cluster)
    for status in (Membership.Status.PENDING, Membership.Status.REJECTED, Membership.Status.LEFT, None, None):
        enterprise = EnterpriseFactory(owner=user)
        if status:
            MembershipFactory(cluster=cluster, enterprise=enterprise, status=status)
    assert _queries(client, cluster) == one
