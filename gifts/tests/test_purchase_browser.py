# ruff: noqa: RUF001 - the pages' own typography (en dashes, multiplication signs, curly apostrophes) is what people read
"""Sending a gift in a real browser: Chromium, driven by Playwright, against pytest-django's live server.

A giver in Ohio reads the store in English, puts Jacobo's jaguar alebrije from Oaxaca in the cart, logs in through
the login form at checkout and sends it to Claire in Lyon; Claire opens the link from the order page in her own
browser and reads it in French. A declined card shows the bank's answer and leaves the cart as it was.
Skipped only where Debian's Chromium is not installed.
"""

import os
import re
import shutil

import pytest

from accounts.tests.factories import PASSWORD
from gifts.checkout import place_order
from gifts.payments import TEST_CARD_DECLINED, TEST_CARD_PAID
from gifts.tests.giving import build_giving_world, cart_with, lyon_recipient, to_lyon
from locales.selectors import rate_table

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

GIVER_EMAIL = "ohio.giver@example.com"
MESSAGE = "Joyeux anniversaire, Claire ! Un jaguar de Oaxaca pour veiller sur ta bibliothèque."


@pytest.fixture
def world(transactional_db):
    """Built before the browser starts: Playwright runs an event loop, inside which Django refuses database work."""
    return build_giving_world()


@pytest.fixture
def site_url(settings, live_server):
    """Links in pages and emails point at the live server, so a person can follow them as written."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def browser(world):
    """Chromium for one test. A test lists its data fixtures before this one, so they run before the event loop."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def new_page(browser, locale):
    """A fresh browser profile: its own cookies, so no session or cart carries over from another person."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    context.set_default_timeout(15_000)
    return context.new_page()


def dismiss_consent_banner(page):
    """Answer the privacy banner (reject all) so it does not cover what the person clicks next."""
    reject = page.locator('.consent-banner button[value="reject_all"]')
    if reject.count():
        with page.expect_navigation():
            reject.click()


def field(page, label):
    """The form control a person finds by its label ("Address" and "Address:" alike, never "Address line 2")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def log_in(page):
    """The real login form, as the giver fills it (the giver has a verified email and no MFA)."""
    assert page.get_by_role("heading", name="Log in").is_visible()
    field(page, "Email").fill(GIVER_EMAIL)
    field(page, "Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def fill_lyon_recipient(page):
    field(page, "Recipient's name").fill("Claire Martin")
    field(page, "Address").fill("12 rue de la République")
    field(page, "City").fill("Lyon")
    field(page, "Postal code").fill("69002")


def test_a_giver_in_ohio_sends_a_piece_from_oaxaca_to_lyon_and_the_recipient_reads_it_in_french(
    live_server, site_url, browser, mailoutbox
):
    page = new_page(browser, locale="en-US")

    page.goto(f"{live_server.url}/en/gifts/alebrije-jaguar/")
    dismiss_consent_banner(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Jaguar alebrije"
    assert page.locator(".stock").inner_text() == "3 available"
    with page.expect_navigation():
        page.get_by_role("button", name="Add to cart").click()

    page.wait_for_url("**/en/cart/")
    assert "Jaguar alebrije is in your cart." in page.locator(".messages").inner_text()
    field(page, "Deliver to").select_option("lyon")
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    page.wait_for_url("**/en/cart/?ships_to=lyon")
    parcel = page.get_by_role("region", name="Parcel from Oaxaca")
    assert parcel.get_by_role("heading", name="From Oaxaca to Lyon").is_visible()
    # The delivery option for this lane: its price and estimate, and who meets customs.
    assert re.search(r"Shipping \$25\.00: usually 7–14 business days", parcel.inner_text())
    assert "the recipient may be asked to pay duties" in parcel.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Send this gift").click()

    # A visitor's cart survives logging in: checkout asks who they are, then carries on.
    page.wait_for_url("**/accounts/login/**")
    log_in(page)
    page.wait_for_url("**/en/checkout/?ships_to=lyon")
    assert page.get_by_role("heading", level=1).inner_text() == "Send your gift to Lyon"
    summary = page.get_by_role("complementary")
    assert "1 × Jaguar alebrije — $100.00" in summary.inner_text()
    assert "$125.00" in summary.inner_text()

    fill_lyon_recipient(page)
    field(page, "Gift message").fill(MESSAGE)
    assert field(page, "Tell the recipient the gift is from me").is_checked()
    assert field(page, "Sign it as").input_value() == "Sam Rivera"
    field(page, "The recipient reads").select_option(label="français")
    field(page, "Card number (test)").fill(TEST_CARD_PAID)
    with page.expect_navigation():
        page.get_by_role("button", name="Pay $125.00 and send").click()

    page.wait_for_url(re.compile(r"/en/account/orders/\d+/placed/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you: your gift is on its way to the workshop"
    assert re.search(r"Order \d+ for Claire Martin is paid: \$125\.00\.", page.locator("main").inner_text())
    link = page.get_by_role("region", name="The recipient's page").get_by_role("link")
    recipient_url = link.get_attribute("href")
    token = re.fullmatch(rf"{re.escape(site_url)}/fr/g/([\w-]{{40,}})/", recipient_url).group(1)
    # The confirmation email, in the giver's English, carries the same link.
    assert len(mailoutbox) == 1
    assert "The recipient's page, which travels on the card in the parcel: " + recipient_url in mailoutbox[0].body

    # Claire opens the link without a language in a browser of her own set to English, which knows nothing of the
    # giver: the page opens in the language the giver chose for her.
    recipient = new_page(browser, locale="en-US")
    recipient.goto(f"{site_url}/g/{token}/")
    recipient.wait_for_url(recipient_url)
    assert recipient.locator("html").get_attribute("lang") == "fr"
    assert recipient.get_by_role("link", name="Cadeaux").is_visible()  # the site's own chrome, in French
    assert recipient.get_by_role("heading", level=1).inner_text() == "Un cadeau pour vous, Claire Martin"
    assert recipient.locator(".gift-from").inner_text() == "De la part de Sam Rivera"
    assert recipient.locator(".gift-message").inner_text() == MESSAGE
    assert recipient.get_by_role("heading", name="Alebrije jaguar").is_visible()
    assert recipient.get_by_role("heading", name="L’histoire de cette pièce").is_visible()
    article = recipient.locator("article").inner_text()
    assert "Sculpté dans le bois de copal et peint de motifs zapotèques." in article
    assert recipient.get_by_role("heading", name="Réalisé par Jacobo Ángeles").is_visible()
    assert recipient.get_by_role("heading", name="D’où il vient : Oaxaca").is_visible()
    assert "Des vallées de sculpteurs sur bois" in article
    everything = recipient.locator("body").inner_text()
    for private in ("12 rue de la République", "69002", GIVER_EMAIL):
        assert private not in everything
    for price in ("$", "€", "USD", "MXN", "125", "100", "1800", "1 800"):
        assert price not in article


@pytest.fixture
def two_in_the_cart(world):
    """The giver already put two alebrijes in their cart on another day (stock is three)."""
    return cart_with(world.giver, (world.alebrije, 2))


def test_a_declined_card_is_explained_and_leaves_the_cart_as_it_was(live_server, two_in_the_cart, browser):
    page = new_page(browser, locale="en-US")
    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/checkout/%3Fships_to%3Dlyon")
    dismiss_consent_banner(page)
    log_in(page)
    page.wait_for_url("**/en/checkout/?ships_to=lyon")

    fill_lyon_recipient(page)
    field(page, "Gift message").fill(MESSAGE)
    field(page, "The recipient reads").select_option(label="français")
    field(page, "Card number (test)").fill(TEST_CARD_DECLINED)
    first_key = page.locator('input[name="idempotency_key"]').input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Pay $225.00 and send").click()

    page.wait_for_url("**/en/checkout/?ships_to=lyon")
    assert "Your card was declined" in page.get_by_role("alert").inner_text()
    # What the giver typed is still there, so trying another card is one field away.
    assert field(page, "Recipient's name").input_value() == "Claire Martin"
    assert field(page, "Gift message").input_value() == MESSAGE

    # In another tab: the cart, the stock and the order list are as they were before the decline.
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/en/cart/?ships_to=lyon")
    assert field(other_tab, "Quantity").input_value() == "2"
    assert "2 × Jaguar alebrije — $200.00" in other_tab.get_by_role("region", name="Parcel from Oaxaca").inner_text()
    other_tab.goto(f"{live_server.url}/en/gifts/alebrije-jaguar/")
    assert other_tab.locator(".stock").inner_text() == "3 available"
    other_tab.goto(f"{live_server.url}/en/account/orders/")
    assert "Claire Martin" not in other_tab.locator("main").inner_text()
    other_tab.close()

    # Another card on the same page pays, as a new payment attempt: the page carries a fresh checkout key, so the
    # provider never replays the declined one.
    assert page.locator('input[name="idempotency_key"]').input_value() != first_key
    field(page, "Card number (test)").fill(TEST_CARD_PAID)
    with page.expect_navigation():
        page.get_by_role("button", name="Pay $225.00 and send").click()
    page.wait_for_url(re.compile(r"/en/account/orders/\d+/placed/$"))
    assert re.search(r"Order \d+ for Claire Martin is paid: \$225\.00\.", page.locator("main").inner_text())


@pytest.fixture
def placed_for_claire(world):
    """An order the giver placed for Claire in Lyon, in French, made before the browser starts."""
    return place_order(
        cart=cart_with(world.giver, (world.alebrije, 1)),
        giver=world.giver,
        recipient=lyon_recipient(),
        destination=to_lyon(world),
        currency="USD",
        rates=rate_table(),
        message=MESSAGE,
        reveal_giver=True,
        giver_name="Sam Rivera",
        payment_token=TEST_CARD_PAID,
        idempotency_key="claire-1",
    )


def test_the_recipient_can_answer_the_privacy_banner_on_their_page(live_server, placed_for_claire, browser):
    page = new_page(browser, locale="fr-FR")
    page.goto(f"{live_server.url}/g/{placed_for_claire.recipient_token}/")
    page.wait_for_url(f"**/fr/g/{placed_for_claire.recipient_token}/")
    assert page.get_by_role("region", name="Vos choix de confidentialité").is_visible()

    with page.expect_navigation() as answered:
        page.get_by_role("button", name="Tout refuser").click()

    assert answered.value.status == 200
    assert page.url == f"{live_server.url}/fr/g/{placed_for_claire.recipient_token}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Un cadeau pour vous, Claire Martin"
    assert page.locator(".consent-banner").count() == 0
