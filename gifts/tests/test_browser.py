"""A buyer's path through the storefront in a real browser: Chromium, driven by Playwright.

Home → browse → filter → gift page in French, then the language switcher to Japanese on the same gift.
Runs against pytest-django's live server; skipped only where Debian's Chromium is not installed.
"""

import os
import shutil

import pytest

from gifts.tests.world import build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def world(transactional_db):
    """Built before the browser starts: Playwright runs an event loop, inside which Django refuses database work."""
    return build_world()


@pytest.fixture
def browser_page(world):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        yield page
        browser.close()


def dismiss_consent_banner(page):
    """Answer the privacy banner (reject all) so it does not cover what the buyer clicks next."""
    reject = page.locator('.consent-banner button[value="reject_all"]')
    if reject.count():
        reject.click()


def test_a_buyer_finds_a_gift_in_french_and_reads_it_in_japanese(live_server, browser_page):
    page = browser_page

    page.goto(f"{live_server.url}/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"
    dismiss_consent_banner(page)
    assert page.locator(".gift-card", has_text="Bol à thé « Heure bleue »").count() == 1

    page.locator('.primary-nav a[href="/fr/gifts/"]').click()
    page.wait_for_url("**/fr/gifts/")
    assert page.locator(".gift-card").count() == 3

    page.locator(".filter-panel summary").click()
    page.select_option("#id_origin", "kyoto")
    page.select_option("#id_ships_to", "FR")
    page.locator('.catalog-filters button[type="submit"]').click()
    page.wait_for_url("**/fr/gifts/?*origin=kyoto*")
    cards = page.locator(".gift-card")
    assert cards.count() == 1

    cards.first.locator("a.gift-card-link").click()
    page.wait_for_url("**/fr/gifts/tea-bowl/")
    assert page.locator("h1").inner_text() == "Bol à thé « Heure bleue »"
    # French readers see euros by default: 18 000 JPY is 108 EUR at the stored rates.
    assert "108,00\u00a0€" in page.locator(".gift-price").inner_text()
    assert "France" in page.locator(".shipping-box").inner_text()

    page.locator('.language-switcher a[hreflang="ja"]').click()
    page.wait_for_url("**/ja/gifts/tea-bowl/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "茶碗「青い時刻」"
    # The remembered currency is none yet, so Japanese readers see yen.
    assert "￥18,000" in page.locator(".gift-price").inner_text()
