"""static/js/vitals.js in a real browser: Chromium, driven by Playwright, against pytest-django's live server.

A visitor in France (GDPR: analytics is opt-in) opens a gift page. The reporter loads only once they accept
analytics. It then sends the page's Core Web Vitals (LCP, CLS, and INP from a deliberately slow click) once the
page is hidden, and a JavaScript error as it happens. Each report reaches /beacon, feeds the Prometheus histograms,
and, with consent, the WebVitalSample table and the `lagiftart.frontend` log stream.

What crosses the wire: the path without its query string, numbers and a scrubbed error message. The browser
attaches its same-origin cookies to the beacon (`navigator.sendBeacon` always does); the endpoint reads from them
only the consent choice, so a withdrawal in another tab takes effect at once, and it sets no cookie.
A visitor who refuses never loads the reporter, so their browser sends nothing at all.

Database checks run after the browser closes: Playwright's event loop makes Django refuse database work while it
runs. Skipped only where Debian's Chromium is not installed.
"""

import json
import os
import shutil
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from prometheus_client import REGISTRY

from analytics import beacons
from analytics.models import VitalMetric, WebVitalSample
from analytics.tests.conftest import GEO
from gifts.tests.factories import GiftFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

ROUTE = "/<lang>/gifts/<slug:slug>/"
IN_FRANCE = {GEO: "FR,FRIDF"}
ERROR = "Checkout broke for ana@example.com paying with 4242424242424242"
REPORTER = 'script[src*="js/vitals.js"]'

# Run in the page before the reporter's listeners see anything: a banner pushed in above the content (a layout
# shift), and a click handler that keeps the main thread busy for 150 ms (a slow interaction, which INP measures).
SHIFT_THE_LAYOUT = """() => {
  const banner = document.createElement("div");
  banner.style.height = "160px";
  banner.textContent = "Late banner";
  document.body.prepend(banner);
}"""
SLOW_CLICK_HANDLER = """() => {
  document.querySelector("h1").addEventListener("click", () => {
    const end = performance.now() + 150;
    while (performance.now() < end) {}
  });
}"""
# Resolve once the browser has recorded an entry of this type: the reporter observes the same buffered entries.
ENTRY_RECORDED = """([type, options]) => new Promise((resolve) => {
  new PerformanceObserver((list, observer) => {
    const entries = list.getEntries().filter((entry) => type !== "event" || entry.interactionId);
    if (entries.length) { observer.disconnect(); resolve(entries.length); }
  }).observe({ type, buffered: true, ...options });
})"""
THROW_UNCAUGHT = "(message) => { setTimeout(() => { throw new Error(message); }, 0); }"
HIDE_THE_PAGE = """() => {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


@pytest.fixture
def gift(transactional_db, settings):
    """Built before the browser starts. Every page view is in the sample, so the reporter always loads."""
    settings.BEACON_SAMPLE_RATE = 1
    return GiftFactory(published=True, slug="jaguar-alebrije", title_en="Jaguar alebrije")


@contextmanager
def page_in_france():
    """A fresh Chromium profile whose requests carry the load balancer's geo header for Paris."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            context = browser.new_context(locale="fr-FR", extra_http_headers=IN_FRANCE)
            context.set_default_timeout(15_000)
            yield context.new_page()
        finally:
            browser.close()


def is_beacon(response) -> bool:
    return urlsplit(response.url).path == "/beacon"


@pytest.fixture
def received(monkeypatch):
    """Each report /beacon accepted, as the live server read it: the JSON body and the names of the cookies that
    came with it. (Playwright cannot show a `sendBeacon` body from the browser's side, so it is read where it lands.)"""
    reports = []
    accept_report = beacons.accept_report

    def accept(request, report):
        reports.append({"body": json.loads(request.body), "cookies": sorted(request.COOKIES)})
        return accept_report(request, report)

    monkeypatch.setattr(beacons, "accept_report", accept)
    return reports


def from_page(received: list, gift) -> list[dict]:
    """The reports sent from the gift's page (other pages the test passes through report for themselves)."""
    return [report for report in received if report["body"].get("path") == f"/en/gifts/{gift.slug}/"]


def answered(response) -> dict:
    """The beacon's answer as the browser got it, read while the browser is still open."""
    return {"status": response.status, "set_cookie": response.all_headers().get("set-cookie")}


def answer_banner(page, choice: str):
    with page.expect_navigation():
        page.locator(f'.consent-banner button[value="{choice}"]').click()


def histogram_count(metric: str) -> float:
    return REGISTRY.get_sample_value(f"{metric}_count", {"route": ROUTE}) or 0.0


def frontend_errors() -> float:
    return REGISTRY.get_sample_value("lagiftart_frontend_errors_total", {"route": ROUTE}) or 0.0


VITAL_HISTOGRAMS = {
    "lcp": "lagiftart_web_vitals_lcp_seconds",
    "inp": "lagiftart_web_vitals_inp_seconds",
    "cls": "lagiftart_web_vitals_cls",
}


def test_a_visitor_who_accepts_analytics_reports_web_vitals_and_errors_without_personal_data(
    live_server, gift, received, json_log
):
    frontend_log = json_log("lagiftart.frontend")
    counts_before = {name: histogram_count(metric) for name, metric in VITAL_HISTOGRAMS.items()}
    errors_before = frontend_errors()

    with page_in_france() as page:
        page.goto(f"{live_server.url}/en/gifts/{gift.slug}/?ships_to=FR&utm_source=newsletter")
        # Opt-in: before a choice, the reporter is not even in the page.
        assert page.locator(REPORTER).count() == 0
        answer_banner(page, "accept_all")
        assert page.locator(REPORTER).count() == 1
        cookies_before = page.context.cookies()

        page.evaluate(SHIFT_THE_LAYOUT)
        page.evaluate(ENTRY_RECORDED, ["layout-shift", {}])
        page.evaluate(SLOW_CLICK_HANDLER)
        page.get_by_role("heading", level=1).click()
        page.evaluate(ENTRY_RECORDED, ["event", {"durationThreshold": 16}])

        with page.expect_response(is_beacon) as error_beacon:
            page.evaluate(THROW_UNCAUGHT, ERROR)
        error_answer = answered(error_beacon.value)
        with page.expect_response(is_beacon) as vitals_beacon:
            page.evaluate(HIDE_THE_PAGE)
        vitals_answer = answered(vitals_beacon.value)
        # Hidden, then left (pagehide): the vitals were sent once and are not sent again.
        page.goto(f"{live_server.url}/en/")
        cookies_after = page.context.cookies()

    reports = from_page(received, gift)
    assert [report["body"]["kind"] for report in reports] == ["error", "vitals"]
    error, vitals = reports[0]["body"], reports[1]["body"]
    # Numbers and the page's path: no query string, no identifier, nothing else.
    assert vitals["path"] == f"/en/gifts/{gift.slug}/"
    assert set(vitals) == {"kind", "path", "lcp", "inp", "cls"}
    assert vitals["lcp"] > 0
    assert vitals["cls"] > 0
    assert vitals["inp"] >= 100  # the click kept the page busy for 150 ms
    # The error message leaves the browser already scrubbed of the email address and the card number.
    assert error["path"] == f"/en/gifts/{gift.slug}/"
    assert "Checkout broke for" in error["message"]
    assert "ana@example.com" not in json.dumps(error) and "4242424242424242" not in json.dumps(error)
    assert set(error) <= {"kind", "path", "message", "source", "line", "column"}
    # The browser's own cookies come along (sendBeacon sends them); the consent choice is what the endpoint reads.
    assert "consent_visitor" in reports[1]["cookies"]
    # Accepted with 204, no cookie set, and the browser's cookies are as they were.
    assert error_answer == vitals_answer == {"status": 204, "set_cookie": None}
    assert cookies_after == cookies_before

    # The metrics moved by one report each, under the route pattern (never the concrete path).
    for name, metric in VITAL_HISTOGRAMS.items():
        assert histogram_count(metric) == counts_before[name] + 1, name
    assert frontend_errors() == errors_before + 1
    # With consent, the numbers are kept for the staff dashboard's p75, by route and nothing else.
    samples = sorted(WebVitalSample.objects.filter(route=ROUTE).values_list("metric", flat=True))
    assert samples == [VitalMetric.CLS, VitalMetric.INP, VitalMetric.LCP]
    lines = [line for line in frontend_log.read() if line["route"] == ROUTE]
    assert [line["kind"] for line in lines] == ["js_error", "vitals"]
    assert lines[0]["route"] == ROUTE and lines[0]["severity"] == "WARNING"
    assert "Checkout broke for" in lines[0]["error"]
    assert "ana@example.com" not in json.dumps(lines) and "4242424242424242" not in json.dumps(lines)
    assert gift.slug not in json.dumps(lines)


def test_a_visitor_who_refuses_analytics_sends_no_beacon_at_all(live_server, gift, received):
    errors_before = frontend_errors()
    lcp_before = histogram_count(VITAL_HISTOGRAMS["lcp"])

    with page_in_france() as page:
        page.goto(f"{live_server.url}/en/gifts/{gift.slug}/")
        answer_banner(page, "reject_all")
        assert page.locator(REPORTER).count() == 0
        page.get_by_role("heading", level=1).click()
        page.evaluate(THROW_UNCAUGHT, ERROR)
        page.evaluate(HIDE_THE_PAGE)
        # Leaving the page after all that: a beacon the page had queued would have been sent before it.
        page.goto(f"{live_server.url}/en/")

    assert received == []
    assert frontend_errors() == errors_before
    assert histogram_count(VITAL_HISTOGRAMS["lcp"]) == lcp_before
    assert not WebVitalSample.objects.exists()


def test_withdrawing_consent_in_another_tab_stops_the_numbers_being_kept_at_once(live_server, gift, received, json_log):
    frontend_log = json_log("lagiftart.frontend")
    lcp_before = histogram_count(VITAL_HISTOGRAMS["lcp"])

    with page_in_france() as page:
        page.goto(f"{live_server.url}/en/gifts/{gift.slug}/")
        answer_banner(page, "accept_all")
        assert page.locator(REPORTER).count() == 1
        page.evaluate(ENTRY_RECORDED, ["largest-contentful-paint", {}])

        # The same person changes their mind in a second tab, while the first still runs the reporter.
        other_tab = page.context.new_page()
        other_tab.goto(f"{live_server.url}/en/privacy/preferences/")
        with other_tab.expect_navigation():
            other_tab.locator('button[value="reject_all"]').click()
        other_tab.close()

        with page.expect_response(is_beacon) as vitals_beacon:
            page.evaluate(HIDE_THE_PAGE)
        assert vitals_beacon.value.status == 204

    assert [report["body"]["kind"] for report in from_page(received, gift)] == ["vitals"]
    # The report still counts in the anonymous histograms; nothing is kept or logged for this visitor any more.
    assert histogram_count(VITAL_HISTOGRAMS["lcp"]) == lcp_before + 1
    assert not WebVitalSample.objects.filter(route=ROUTE).exists()
    assert [line for line in frontend_log.read() if line["route"] == ROUTE] == []
