"""Real-browser tests: Debian's chromium driven by Playwright against the live server.

Everything goes through the rendered pages: the language a visitor gets, the
language switch, sign-up with the e-mail verification code, logout and login.
"""

import re
import threading
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.conftest import chromium_path
from tests.factories import PASSWORD, ClusterFactory, UserFactory

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

TEXTILE_EN = "Yangtze Delta Textile & Apparel Cluster"
TEXTILE_ZH = "长三角纺织服装虚拟产业集群"
MACHINERY_EN = "Pearl River Precision Machinery Cluster"
MACHINERY_ZH = "珠三角精密机械虚拟产业集群"

# allauth's verification codes look like "BCDF-GHJK" (dashed groups) or a plain run of digits.
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{2,}(?:-[A-Z0-9]{2,})+|[0-9]{4,})\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def allow_async_unsafe() -> Iterator[None]:
    # Playwright's sync API keeps an event loop running in this thread, and Django
    # refuses ORM calls (factories, the test database flush) from a thread with a
    # running loop unless told otherwise. Scoped to this module, then restored.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(allow_async_unsafe) -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: a request the live server still serves after its page closed (a deal room's event stream
#: polls the database until its next heartbeat finds the client gone) would hold SQLite's
#: in-memory tables while the next test flushes them ("database table is locked"): the streams
#: beat often here, so a closed page is seen at once, and a test ends only once its requests have
HEARTBEAT_SECONDS, REQUEST_WAIT_SECONDS = 0.25, 10


def _requests_in_flight() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name and t.is_alive()]


@pytest.fixture
def new_context(browser: Browser, live_server, settings) -> Iterator[Callable[..., BrowserContext]]:
    """``new_context(locale=..., viewport=...)``: a fresh browser context, closed after the test,
    which ends when the live server has answered its last request."""
    settings.DEALROOM_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS
    contexts: list[BrowserContext] = []

    def _new(locale: str = "en-US", viewport: dict | None = None) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport=viewport or DESKTOP)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()
    for request in _requests_in_flight():
        request.join(timeout=REQUEST_WAIT_SECONDS)


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture
def clusters(transactional_db):
    ClusterFactory(slug="yangtze-textile", name_en=TEXTILE_EN, name_zh=TEXTILE_ZH, industry_focus="Textiles")
    ClusterFactory(slug="pearl-machinery", name_en=MACHINERY_EN, name_zh=MACHINERY_ZH, industry_focus="Machining")


def directory(page: Page):
    return page.get_by_test_id("cluster-directory")


# --- Home page, English and Chinese -------------------------------------------


@pytest.mark.browser
def test_home_page_in_english(clusters, page):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Virtual industrial clusters")
    expect(page.get_by_role("heading", name="Cluster directory")).to_be_visible()
    expect(directory(page).get_by_role("link", name=TEXTILE_EN)).to_be_visible()
    expect(directory(page).get_by_role("link", name=MACHINERY_EN)).to_be_visible()
    expect(page.locator("#language-select")).to_have_value("en")


@pytest.mark.browser
def test_home_page_in_chinese(clusters, new_context):
    page = new_context(locale="zh-CN").new_page()
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("虚拟产业集群")
    expect(page.get_by_role("heading", name="集群名录")).to_be_visible()
    expect(directory(page).get_by_role("link", name=TEXTILE_ZH)).to_be_visible()
    expect(directory(page).get_by_role("link", name=MACHINERY_ZH)).to_be_visible()
    expect(page.locator("#language-select")).to_have_value("zh-hans")
    page.screenshot(path="/tmp/home-zh.png", full_page=True)


@pytest.mark.browser
def test_language_switch_from_english_to_chinese(clusters, page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Virtual industrial clusters")

    page.locator("#language-select").select_option(label="简体中文")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("虚拟产业集群")
    expect(directory(page).get_by_role("link", name=TEXTILE_ZH)).to_be_visible()
    # The choice is remembered (cookie), not just applied to one response.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#language-select")).to_have_value("zh-hans")


@pytest.mark.browser
def test_home_page_on_a_phone(clusters, new_context):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Virtual industrial clusters")
    expect(directory(page).get_by_role("link", name=TEXTILE_EN)).to_be_visible()
    # Nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The navigation folds behind the menu button and opens from it.
    signup = page.get_by_test_id("nav-signup")
    expect(signup).to_be_hidden()
    page.locator("label[for=nav-toggle]").click()
    expect(signup).to_be_visible()
    page.locator("label[for=nav-toggle]").click()
    expect(signup).to_be_hidden()
    page.screenshot(path="/tmp/home-phone.png", full_page=True)


# --- Sign-up, e-mail verification, logout and login ---------------------------


def verification_code(mailoutbox) -> str:
    assert mailoutbox, "no e-mail was sent"
    match = CODE_LINE.search(mailoutbox[-1].body)
    assert match, f"no verification code in the e-mail:\n{mailoutbox[-1].body}"
    return match.group(1)


def expect_logged_in(page: Page) -> None:
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.get_by_test_id("nav-login")).to_have_count(0)


def expect_logged_out(page: Page) -> None:
    expect(page.get_by_test_id("nav-login")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)


@pytest.mark.browser
def test_signup_verify_email_logout_and_login(transactional_db, page, mailoutbox):
    email = "weaver@example.com"
    password = "Indigo-Loom-Shuttle-42"

    page.goto("/")
    expect_logged_out(page)
    page.get_by_test_id("nav-signup").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))

    form = page.locator("form").filter(has=page.locator("input[name=email]"))
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password1]").fill(password)
    form.locator("[type=submit]").click()

    # The site asks for the code it has just mailed.
    code_input = page.locator("input[name=code]")
    expect(code_input).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("verification code", re.IGNORECASE))
    expect_logged_out(page)
    # Its helper forms (only hidden inputs; their buttons sit in the code form) draw no empty cards.
    expect(page.locator("form#resend")).to_be_hidden()
    expect(page.locator("form#logout-from-stage")).to_be_hidden()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]
    code_input.fill(verification_code(mailoutbox))
    page.locator("form").filter(has=code_input).locator("[type=submit]").first.click()

    expect_logged_in(page)
    expect(page.locator(".nav-user")).to_have_attribute("title", email)

    page.get_by_test_id("logout").click()
    expect_logged_out(page)

    page.get_by_test_id("nav-login").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    form = page.locator("form").filter(has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()

    expect_logged_in(page)
    expect(page.locator(".nav-user")).to_have_attribute("title", email)


@pytest.mark.browser
def test_login_with_a_wrong_password_shows_an_error(transactional_db, page):
    user = UserFactory()

    page.goto("/")
    page.get_by_test_id("nav-login").click()
    form = page.locator("form").filter(has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(PASSWORD + " but wrong")
    form.locator("[type=submit]").click()

    expect(page.locator(".errorlist")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect_logged_out(page)
    # The page still works: the right password logs in.
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[type=submit]").click()
    expect_logged_in(page)
