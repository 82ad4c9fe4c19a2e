# ruff: noqa: E501 - the fake Stripe.js and its frames are JavaScript and HTML kept readable as written
"""The checkout page with Stripe's card field, in Chromium, without the internet.

Playwright answers for Stripe's hosts: https://js.stripe.com/v3/ serves a small fake Stripe.js written here, whose
card field is a frame from js.stripe.com (as the real one is) that sends the card number to "api.stripe.com" and
hands back a PaymentMethod id; its handleNextAction opens a 3-D Secure frame from hooks.stripe.com. Our server talks
to a fake Stripe API (urllib mocked). So the page runs under its real Content Security Policy, and the tests see
what the browser posted to our server: the pm_ id, never the card number.
"""

import os
import re
import secrets
import urllib.parse
from unittest import mock

import pytest

from gifts.tests.giving import build_giving_world, cart_with
from gifts.tests.test_payments import stripe_answer
from gifts.tests.test_purchase_browser import (
    CHROMIUM,
    MESSAGE,
    dismiss_consent_banner,
    field,
    fill_lyon_recipient,
    log_in,
    new_page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]

FAKE_STRIPE_JS = """
(function () {
  "use strict";
  window.Stripe = function (key) {
    if (!/^pk_test_/.test(key)) throw new Error("Stripe.js needs a publishable key");
    var cardFrame = null;
    return {
      elements: function () {
        return {
          create: function (type) {
            if (type !== "card") throw new Error("this fake only knows the card element");
            return {
              mount: function (container) {
                cardFrame = document.createElement("iframe");
                cardFrame.name = "fake-stripe-card";
                cardFrame.title = "Secure card payment input frame";
                cardFrame.src = "https://js.stripe.com/v3/fake-card-frame.html";
                container.appendChild(cardFrame);
              },
              on: function () {}
            };
          }
        };
      },
      createPaymentMethod: function (options) {
        if (options.type !== "card" || !options.card) return Promise.reject(new Error("bad createPaymentMethod"));
        return new Promise(function (resolve) {
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) {
            resolve(event.data.error ? { error: event.data.error } : { paymentMethod: { id: event.data.id } });
          };
          cardFrame.contentWindow.postMessage({ action: "createPaymentMethod", key: key }, "https://js.stripe.com", [channel.port2]);
        });
      },
      handleNextAction: function (options) {
        var intent = options.clientSecret.split("_secret_")[0];
        return new Promise(function (resolve) {
          var frame = document.createElement("iframe");
          frame.name = "fake-3ds";
          frame.title = "3D Secure authentication";
          frame.src = "https://hooks.stripe.com/fake-3ds.html";
          window.addEventListener("message", function answer(event) {
            if (event.origin !== "https://hooks.stripe.com") return;
            window.removeEventListener("message", answer);
            // As Stripe.js does, the bank's answer goes to Stripe from this page (our page's connect-src).
            fetch("https://api.stripe.com/v1/payment_intents/" + intent + "/fake_authenticate", {
              method: "POST",
              headers: { "Content-Type": "application/x-www-form-urlencoded" },
              body: "approved=" + event.data.approved + "&client_secret=" + encodeURIComponent(options.clientSecret)
            }).then(function () {
              frame.remove();
              resolve(event.data.approved ? { paymentIntent: { id: intent, status: "succeeded" } }
                : { error: { message: "We are unable to authenticate your payment method." } });
            }, function (error) { resolve({ error: { message: String(error) } }); });
          });
          document.body.appendChild(frame);
        });
      }
    };
  };
})();
"""

FAKE_CARD_FRAME = """<!DOCTYPE html><html><body>
<label>Card number <input name="cardnumber" autocomplete="cc-number" inputmode="numeric"></label>
<script>
window.addEventListener("message", function (event) {
  var port = event.ports[0];
  var number = document.querySelector("input").value;
  fetch("https://api.stripe.com/v1/payment_methods", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "type=card&card[number]=" + encodeURIComponent(number) + "&key=" + encodeURIComponent(event.data.key)
  }).then(function (response) { return response.json(); }).then(function (body) { port.postMessage(body); });
});
</script></body></html>"""

FAKE_3DS_FRAME = """<!DOCTYPE html><html><body>
<p>Test bank: confirm the payment</p>
<button type="button" data-approved="true">Complete authentication</button>
<button type="button" data-approved="false">Fail authentication</button>
<script>
document.querySelectorAll("button").forEach(function (button) {
  button.addEventListener("click", function () {
    parent.postMessage({ approved: button.getAttribute("data-approved") === "true" }, "*");
  });
});
</script></body></html>"""

CORS = {"Access-Control-Allow-Origin": "*"}


class FakeStripe:
    """Stripe as both sides see it: the browser's calls (Playwright routes, in the test thread) and our server's
    PaymentIntents calls (urllib mocked, in the live server's thread). Cards 4242… pay, 3155 asks for 3-D Secure."""

    def __init__(self):
        self.cards_received: list[str] = []
        self.intents: dict[str, dict] = {}
        self.server_calls: list[str] = []

    def route(self, context):
        context.route(
            "https://js.stripe.com/v3/",
            lambda route: route.fulfill(body=FAKE_STRIPE_JS, content_type="application/javascript"),
        )
        context.route(
            "https://js.stripe.com/v3/fake-card-frame.html",
            lambda route: route.fulfill(body=FAKE_CARD_FRAME, content_type="text/html"),
        )
        context.route(
            "https://hooks.stripe.com/fake-3ds.html",
            lambda route: route.fulfill(body=FAKE_3DS_FRAME, content_type="text/html"),
        )
        context.route("https://api.stripe.com/**", self.browser_call)

    def browser_call(self, route):
        request = route.request
        fields = dict(urllib.parse.parse_qsl(request.post_data or ""))
        if request.url == "https://api.stripe.com/v1/payment_methods":
            number = fields["card[number]"].replace(" ", "")
            self.cards_received.append(number)
            return route.fulfill(json={"id": f"pm_fake_{number[-4:]}", "object": "payment_method"}, headers=CORS)
        authenticated = re.fullmatch(
            r"https://api\.stripe\.com/v1/payment_intents/(pi_\w+?)/fake_authenticate", request.url
        )
        if authenticated and fields.get("client_secret") == self.intents[authenticated[1]]["client_secret"]:
            intent = self.intents[authenticated[1]]
            intent["status"] = "succeeded" if fields["approved"] == "true" else "requires_payment_method"
            return route.fulfill(json={"id": intent["id"], "status": intent["status"]}, headers=CORS)
        return route.fulfill(status=404, json={"error": {"type": "invalid_request_error"}}, headers=CORS)

    def server_call(self, request, timeout=None):
        self.server_calls.append(f"{request.get_method()} {request.full_url}")
        path = urllib.parse.urlsplit(request.full_url).path
        if path == "/v1/payment_intents":
            fields = dict(urllib.parse.parse_qsl(request.data.decode()))
            method = fields["payment_method"]
            if not method.endswith(("4242", "3155")):
                return stripe_answer({"error": {"type": "card_error", "code": "card_declined"}}, status=402)
            reference = f"pi_{secrets.token_hex(8)}"
            self.intents[reference] = {
                "id": reference,
                "object": "payment_intent",
                "amount": int(fields["amount"]),
                "currency": fields["currency"],
                "payment_method": method,
                "metadata": {"lagiftart_order": fields["metadata[lagiftart_order]"]},
                "client_secret": f"{reference}_secret_{secrets.token_hex(8)}",
                "status": "requires_action" if method.endswith("3155") else "succeeded",
                "latest_charge": {"payment_method_details": {"card": {"last4": method[-4:]}}},
            }
            return stripe_answer(self.intents[reference])
        reference = path.split("/")[3]
        if path.endswith("/cancel"):
            self.intents[reference]["status"] = "canceled"
        return stripe_answer(self.intents[reference])


@pytest.fixture
def fake_stripe(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.PAYMENTS_TEST_PROVIDER = False
    stripe = FakeStripe()
    with mock.patch("urllib.request.urlopen", side_effect=stripe.server_call):
        yield stripe


@pytest.fixture
def two_alebrijes_in_the_cart(transactional_db):
    world = build_giving_world()
    cart_with(world.giver, (world.alebrije, 2))
    return world


@pytest.fixture
def chromium(two_alebrijes_in_the_cart):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def open_checkout(live_server, chromium, fake_stripe):
    page = new_page(chromium, locale="en-US")
    fake_stripe.route(page.context)
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/checkout/%3Fships_to%3Dlyon")
    dismiss_consent_banner(page)
    log_in(page)
    page.wait_for_url("**/en/checkout/?ships_to=lyon")
    fill_lyon_recipient(page)
    field(page, "Gift message").fill(MESSAGE)
    field(page, "The recipient reads").select_option(label="français")
    return page, blocked


def pay(page, card):
    """Type the card into Stripe's frame and pay; returns the body of the form post our server received."""
    assert not page.get_by_text("Paying by card needs JavaScript").is_visible()
    page.frame_locator('iframe[name="fake-stripe-card"]').get_by_label("Card number").fill(card)
    with page.expect_request(lambda request: request.method == "POST" and "/en/checkout/" in request.url) as posted:
        page.get_by_role("button", name="Pay $225.00 and send").click()
    return posted.value.post_data


def test_stripes_card_field_sends_the_card_to_stripe_and_only_a_payment_method_id_to_us(
    live_server, chromium, fake_stripe
):
    page, blocked = open_checkout(live_server, chromium, fake_stripe)

    body = pay(page, "4242 4242 4242 4242")

    page.wait_for_url(re.compile(r"/en/account/orders/\d+/placed/$"))
    assert re.search(r"Order \d+ for Claire Martin is paid: \$225\.00\.", page.locator("main").inner_text())
    fields = dict(urllib.parse.parse_qsl(body))
    assert fields["payment_token"] == "pm_fake_4242"
    assert "4242424242424242" not in body
    assert "4242+4242" not in body
    assert "cardnumber" not in fields
    assert fake_stripe.cards_received == ["4242424242424242"]
    [intent] = fake_stripe.intents.values()
    assert (intent["payment_method"], intent["amount"], intent["status"]) == ("pm_fake_4242", 22500, "succeeded")
    assert blocked == []


def test_the_bank_asks_and_stripe_js_shows_its_challenge_then_the_order_is_paid(live_server, chromium, fake_stripe):
    page, blocked = open_checkout(live_server, chromium, fake_stripe)

    body = pay(page, "4000 0025 0000 3155")

    page.wait_for_url(re.compile(r"/en/checkout/orders/\d+/authenticate/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm the payment with your bank"
    with page.expect_navigation():
        page.frame_locator('iframe[name="fake-3ds"]').get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(r"/en/account/orders/\d+/placed/$"))
    assert re.search(r"Order \d+ for Claire Martin is paid: \$225\.00\.", page.locator("main").inner_text())
    assert dict(urllib.parse.parse_qsl(body))["payment_token"] == "pm_fake_3155"
    assert "4000002500003155" not in body
    [intent] = fake_stripe.intents.values()
    assert intent["status"] == "succeeded"
    assert (
        f"GET https://api.stripe.com/v1/payment_intents/{intent['id']}?expand[]=latest_charge"
        in fake_stripe.server_calls
    )
    assert blocked == []


def test_a_failed_challenge_leaves_the_cart_as_it_was_and_says_so(live_server, chromium, fake_stripe):
    page, blocked = open_checkout(live_server, chromium, fake_stripe)
    pay(page, "4000 0025 0000 3155")
    page.wait_for_url(re.compile(r"/en/checkout/orders/\d+/authenticate/$"))

    with page.expect_navigation():
        page.frame_locator('iframe[name="fake-3ds"]').get_by_role("button", name="Fail authentication").click()

    page.wait_for_url(re.compile(r"/en/checkout/\?ships_to=lyon&again=\d+$"))
    assert "Your bank did not confirm the payment. No money was taken" in page.locator(".messages").inner_text()
    assert field(page, "Recipient's name").input_value() == "Claire Martin"
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/en/cart/?ships_to=lyon")
    assert field(other_tab, "Quantity").input_value() == "2"
    other_tab.close()
    [intent] = fake_stripe.intents.values()
    assert intent["status"] == "canceled"
    assert blocked == []


def test_a_declined_card_is_explained_on_the_page(live_server, chromium, fake_stripe):
    page, _blocked = open_checkout(live_server, chromium, fake_stripe)

    pay(page, "4000 0000 0000 0002")

    page.wait_for_url("**/en/checkout/?ships_to=lyon")
    assert "Your card was declined" in page.get_by_role("alert").first.inner_text()
    # Stripe's card field is back, empty, for another card.
    assert page.frame_locator('iframe[name="fake-stripe-card"]').get_by_label("Card number").input_value() == ""
