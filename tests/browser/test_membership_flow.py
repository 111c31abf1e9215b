"""Real-browser journey of the membership domain: apply, approve, get notified.

An enterprise owner logs in through the login page and applies to a cluster from the
cluster's page; an administrator, in a second browser context, logs in and approves the
application from the moderation queue (checked on a phone too); the owner then opens
Notifications and finds the approval.
"""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from apps.membership.models import Membership
from tests.browser.test_pages import PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import PASSWORD, ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory

CLUSTER_EN = "Yangtze Delta Textile & Apparel Cluster"
ENTERPRISE_EN = "Shaoxing Huafang Weaving"


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en=CLUSTER_EN, name_zh="长三角纺织服装虚拟产业集群")
    owner = UserFactory(email="owner@huafang.cn", name="Wang Fang")  # verified e-mail (factory default)
    enterprise = EnterpriseFactory(owner=owner, legal_name_zh="绍兴华纺织造有限公司", legal_name_en=ENTERPRISE_EN)
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory(email="admin@yangtze.cn", name="Li Ming")).user
    return {"cluster": cluster, "owner": owner, "enterprise": enterprise, "admin": admin}


def log_in(context: BrowserContext, email: str, next_path: str = "/") -> Page:
    page = context.new_page()
    page.goto(f"/accounts/login/?next={next_path}")
    form = page.locator("form").filter(has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect(page.get_by_test_id("logout")).to_have_count(1)  # signed in (the menu may be folded on a phone)
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
    return page


@pytest.mark.browser
def test_owner_applies_administrator_approves_owner_is_notified(scene, new_context):  # noqa: F811
    cluster, enterprise = scene["cluster"], scene["enterprise"]

    # The owner applies from the cluster's page.
    owner = log_in(new_context(), scene["owner"].email)
    owner.goto(f"/clusters/{cluster.slug}/")
    owner.get_by_test_id("apply-to-join").click()
    expect(owner).to_have_url(re.compile(rf"/clusters/{cluster.slug}/apply/$"))
    form = owner.get_by_test_id("apply-form")
    form.get_by_label("Enterprise").select_option(label=ENTERPRISE_EN)
    form.get_by_label("Note to the administrators").fill("Technical fabrics for sportswear brands.")
    form.get_by_role("button", name="Apply").click()
    expect(owner).to_have_url(re.compile(rf"/clusters/{cluster.slug}/$"))
    expect(owner.locator(".message-success")).to_contain_text("applied to join")
    membership = Membership.objects.get(cluster=cluster, enterprise=enterprise)
    assert membership.status == "pending"

    # The administrator, in another browser context, approves it from the moderation queue.
    admin = log_in(new_context(), scene["admin"].email, next_path=f"/clusters/{cluster.slug}/")
    admin.get_by_test_id("moderation-link").click()
    row = admin.get_by_test_id(f"membership-{membership.pk}")
    expect(row).to_contain_text(ENTERPRISE_EN)
    expect(row).to_contain_text("Technical fabrics for sportswear brands.")
    admin.screenshot(path="/tmp/moderation-queue-desktop.png", full_page=True)
    row.get_by_role("button", name="Approve").click()
    expect(admin.locator(".message-success")).to_contain_text(f"{ENTERPRISE_EN} is now a member.")
    expect(admin.get_by_test_id(f"membership-{membership.pk}")).to_have_count(0)
    membership.refresh_from_db()
    assert membership.status == "active"

    # The owner sees the approval among the notifications, with the unread count in the menu.
    owner.goto("/")
    nav = owner.get_by_test_id("nav-notifications")
    expect(nav).to_contain_text("1")
    nav.click()
    expect(owner).to_have_url(re.compile(r"/notifications/$"))
    notification = owner.get_by_test_id("notifications").locator(".notification-unread")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(f"{ENTERPRISE_EN} is now a member of {CLUSTER_EN}")
    notification.get_by_role("button", name="Mark as read").click()
    expect(owner.locator(".notification-unread")).to_have_count(0)
    expect(owner.get_by_test_id("nav-notifications")).not_to_contain_text("1")


@pytest.mark.browser
def test_moderation_queue_on_a_phone(scene, new_context):  # noqa: F811
    cluster = scene["cluster"]
    for index in range(3):
        MembershipFactory(
            cluster=cluster,
            status="pending",
            joined_at=None,
            note="A rather long application note that explains what the enterprise makes, " * (index + 1),
        )
    MembershipFactory(cluster=cluster, enterprise=scene["enterprise"], status="pending", joined_at=None)
    admin = log_in(new_context(viewport=PHONE), scene["admin"].email, next_path=f"/clusters/{cluster.slug}/moderation/")
    expect(admin.get_by_test_id("moderation-queue").locator(".queue-row")).to_have_count(4)
    # Nothing sticks out sideways, and every action stays reachable.
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(admin.get_by_test_id("bulk-approve").get_by_role("button", name="Approve selected")).to_be_visible()
    admin.screenshot(path="/tmp/moderation-queue-phone.png", full_page=True)

    # Bulk approval from the phone: tick two applications, one reason, one button.
    rows = admin.get_by_test_id("moderation-queue").locator(".queue-row")
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    admin.locator("#bulk-reason").fill("Licences checked")
    admin.get_by_role("button", name="Approve selected").click()
    expect(admin.locator(".message-success")).to_contain_text("2 applications were approved")
    expect(admin.get_by_test_id("moderation-queue").locator(".queue-row")).to_have_count(2)
    assert Membership.objects.filter(cluster=cluster, status="active", reason="Licences checked").count() == 2
