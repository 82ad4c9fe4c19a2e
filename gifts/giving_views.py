"""Pages for sending a gift: the cart, checkout, the giver's orders and the recipient's page.

Visitors may fill a cart; placing an order needs an account (docs/giving.md says why). Every order page shows
only the signed-in giver's own orders: anyone else's is a 404, the same as one that does not exist.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Address
from analytics.events import EventName, record_event
from gifts import cart as carts
from gifts import checkout, orders
from gifts.forms import DestinationForm
from gifts.giving_forms import AddToCartForm, CartLineForm, CheckoutForm, RecipientAddressForm
from gifts.models import Gift, Order, OrderStatus
from gifts.payments import (
    STRIPE_CSP,
    PaymentDeclined,
    PaymentError,
    PaymentPending,
    PaymentRequiresAction,
    TestPaymentProvider,
    WebhookSignatureError,
    is_test_mode,
    stripe_publishable_key,
    verify_stripe_webhook,
)
from gifts.selectors import destination_countries
from locales.currency import display_currency
from locales.selectors import default_destination, launched_markets, rate_table, resolve_destination

logger = logging.getLogger(__name__)


def _destination(request, markets):
    requested = request.GET.get("ships_to", "")
    destination = resolve_destination(requested, markets)
    unknown = bool(requested) and (destination is None or destination.value != requested)
    return destination or default_destination(markets, get_language()), unknown


@require_POST
def cart_add(request, slug):
    """Put a piece in the cart from its page, then show the cart.

    The gift page caches its content but renders the stock line and this form per request, so the form carries the
    visitor's CSRF token like every other form.
    """
    gift = get_object_or_404(Gift.objects.public(), slug=slug)
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many, from 1 to %(max)s.") % {"max": carts.MAX_QUANTITY})
        return redirect(gift.get_absolute_url())
    try:
        carts.add_to_cart(
            cart=carts.cart_for_request(request, create=True), gift=gift, quantity=form.cleaned_data["quantity"]
        )
    except carts.CartError as error:
        messages.error(request, str(error))
        return redirect(gift.get_absolute_url())
    record_event(request, EventName.CART_ADDED, gift=gift, value=gift.price, value_currency=gift.currency)
    messages.success(request, _("%(title)s is in your cart.") % {"title": gift})
    return redirect("gifts:cart")


@never_cache
@require_safe
def cart_detail(request):
    """The cart with a quote for a destination the giver picks, so they see parcels, shipping and duties early."""
    cart = carts.cart_for_request(request)
    lines = carts.cart_lines(cart)
    markets = launched_markets()
    destination, unknown = _destination(request, markets)
    currency = display_currency(request)
    quote = (
        checkout.quote_cart(lines, destination=destination, currency=currency, rates=rate_table())
        if lines and destination
        else None
    )
    return render(
        request,
        "gifts/giving/cart.html",
        {
            "lines": lines,
            "quote": quote,
            "destination": destination,
            "destination_unknown": unknown,
            "destination_form": DestinationForm(
                markets=markets, country_codes=destination_countries(), current=destination
            ),
            "max_quantity": carts.MAX_QUANTITY,
        },
    )


@require_POST
def cart_line_update(request, pk):
    """Change a line's quantity (zero removes it)."""
    cart = carts.cart_for_request(request)
    form = CartLineForm(request.POST)
    if cart is None:
        raise Http404("No cart")
    if not form.is_valid():
        messages.error(request, _("Choose a quantity from 0 to %(max)s.") % {"max": carts.MAX_QUANTITY})
    else:
        try:
            carts.update_cart_line(cart=cart, line_id=pk, quantity=form.cleaned_data["quantity"])
        except carts.CartError as error:
            messages.error(request, str(error))
    return _back_to_cart(request)


@require_POST
def cart_line_remove(request, pk):
    cart = carts.cart_for_request(request)
    if cart is not None:
        carts.remove_cart_line(cart=cart, line_id=pk)
    return _back_to_cart(request)


def _back_to_cart(request):
    url = reverse("gifts:cart")
    destination = request.POST.get("ships_to", "")
    if destination and resolve_destination(destination, launched_markets()):
        url = f"{url}?ships_to={destination}"
    return HttpResponseRedirect(url)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkout_page(request):
    """Recipient, message, language and payment for the cart, priced for the chosen destination."""
    cart = carts.cart_for_request(request)
    lines = carts.cart_lines(cart)
    if not lines:
        messages.info(request, _("Your cart is empty: choose a piece to send first."))
        return redirect("gifts:cart")
    markets = launched_markets()
    destination, unknown = _destination(request, markets)
    if destination is None or unknown:
        messages.error(request, _("Choose where the gift should go."))
        return redirect("gifts:cart")
    currency = display_currency(request)
    rates = rate_table()
    quote = checkout.quote_cart(lines, destination=destination, currency=currency, rates=rates)
    languages = checkout.recipient_languages(destination)
    if request.method == "GET":
        record_event(
            request,
            EventName.CHECKOUT_STARTED,
            value=quote.total.amount,
            value_currency=currency,
            destination_country=destination,
        )
    data = request.POST if request.method == "POST" else None
    previous = _cancelled_order(request, destination)
    address_initial = _address_book_initial(request, destination) or _recipient_of(previous)
    address_form = RecipientAddressForm(data, destination=destination, markets=markets, initial=address_initial)
    form = CheckoutForm(
        data,
        languages=languages,
        expected_total=quote.total.amount,
        initial={"giver_name": request.user.full_name, **_gift_details_of(previous)},
    )
    stripe_key = stripe_publishable_key()
    if request.method == "POST" and not quote.problems and address_form.is_valid() and form.is_valid():
        details = form.cleaned_data
        try:
            placement = checkout.place_order_with_authentication(
                cart=cart,
                giver=request.user,
                recipient=address_form.recipient(details["recipient_language"]),
                destination=destination,
                currency=currency,
                rates=rates,
                message=details["message"],
                reveal_giver=details["reveal_giver"],
                giver_name=details["giver_name"],
                payment_token=details["payment_token"],
                idempotency_key=details["idempotency_key"],
                expected_total=details["expected_total"],
            )
        except (checkout.CheckoutError, PaymentError) as error:
            form.add_error(None, str(error))
        else:
            order = placement.order
            if placement.awaits_authentication:
                if placement.authentication is not None:
                    _remember_authentication(request, order, placement.authentication, destination.value)
                return redirect("gifts:checkout_authenticate", pk=order.pk)
            if order.status != OrderStatus.CANCELLED:
                if not placement.replayed:  # a double submit lands on the first order; count it once
                    _order_placed_event(request, order, destination)
                return redirect("gifts:order_placed", pk=order.pk)
            form.add_error(None, _("This checkout ended without a payment. Please check the details and pay again."))
    if request.method == "POST":
        form.renew(quote.total.amount)
    response = render(
        request,
        "gifts/giving/checkout.html",
        {
            "lines": lines,
            "quote": quote,
            "destination": destination,
            "address_form": address_form,
            "form": form,
            "stripe_key": stripe_key,
            "card_payments_unavailable": not stripe_key and not is_test_mode(),
            "address_book": list(
                Address.objects.filter(user=request.user, country=destination.country).order_by("-is_default", "pk")
            ),
        },
        status=400 if request.method == "POST" else 200,
    )
    return _with_stripe_csp(response) if stripe_key else response


def _with_stripe_csp(response):
    """Stripe's sources join the page's Content Security Policy only on the pages that load Stripe.js."""
    response._csp_update = STRIPE_CSP
    return response


def _order_placed_event(request, order, destination) -> None:
    record_event(
        request,
        EventName.ORDER_PLACED,
        value=order.total,
        value_currency=order.currency,
        destination_country=destination,
    )


def _cancelled_order(request, destination) -> Order | None:
    """After the bank refused to confirm a payment, checkout opens again filled in from that order (?again=<id>),
    so trying another card does not mean typing the address again."""
    chosen = request.GET.get("again", "")
    if not chosen.isdigit():
        return None
    return Order.objects.filter(
        giver=request.user, pk=int(chosen), status=OrderStatus.CANCELLED, recipient_country=destination.country
    ).first()


def _recipient_of(order: Order | None) -> dict:
    if order is None:
        return {}
    return {
        "recipient_name": order.recipient_name,
        "street_address_1": order.recipient_street_address_1,
        "street_address_2": order.recipient_street_address_2,
        "city": order.recipient_city,
        "city_area": order.recipient_city_area,
        "country_area": order.recipient_country_area,
        "postal_code": order.recipient_postal_code,
        "phone": order.recipient_phone,
    }


def _gift_details_of(order: Order | None) -> dict:
    if order is None:
        return {}
    return {
        "message": order.message,
        "reveal_giver": order.reveal_giver,
        "giver_name": order.giver_name,
        "recipient_language": order.recipient_language,
    }


AUTHENTICATIONS_SESSION_KEY = "checkout_authentications"


def _remember_authentication(request, order, authentication, ships_to: str) -> None:
    """The waiting payment's reference and Stripe's client secret stay in the giver's session (never in a URL), for
    the bank's step and the return from it."""
    waiting = dict(request.session.get(AUTHENTICATIONS_SESSION_KEY, {}))
    waiting[str(order.pk)] = {
        "reference": authentication.reference,
        "client_secret": authentication.client_secret,
        "ships_to": ships_to,
    }
    request.session[AUTHENTICATIONS_SESSION_KEY] = dict(list(waiting.items())[-5:])


def _waiting_authentication(request, order) -> dict | None:
    return request.session.get(AUTHENTICATIONS_SESSION_KEY, {}).get(str(order.pk))


def _forget_authentication(request, order) -> None:
    waiting = dict(request.session.get(AUTHENTICATIONS_SESSION_KEY, {}))
    if waiting.pop(str(order.pk), None) is not None:
        request.session[AUTHENTICATIONS_SESSION_KEY] = waiting


def _authentication_gone(request, order):
    """The order stopped waiting (paid, or cancelled), or this browser never started its payment."""
    _forget_authentication(request, order)
    if order.status == OrderStatus.PAID:
        return redirect("gifts:order_placed", pk=order.pk)
    if order.status == OrderStatus.PLACED:
        messages.error(
            request,
            _("This payment can only be confirmed in the browser where it started. You can cancel the order here."),
        )
    else:
        messages.info(request, _("This order is no longer waiting for your bank."))
    return redirect("gifts:order_detail", pk=order.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def checkout_authenticate(request, pk):
    """The bank's step (3-D Secure): Stripe.js shows the bank's challenge over this page, then posts back here and
    we ask Stripe how it ended. With the test provider, the test bank's page stands in for the bank."""
    order = _giver_order(request, pk)
    waiting = _waiting_authentication(request, order)
    if waiting is None or not checkout.is_awaiting_authentication(order):
        return _authentication_gone(request, order)
    if request.method == "POST":
        return _finish_authentication(request, order, waiting)
    return _authentication_page(request, order, waiting, autostart=True)


def _authentication_page(request, order, waiting, *, autostart: bool, status: int = 200):
    """Stripe.js's page for the bank's challenge; with the test provider, the test bank instead."""
    if is_test_mode():
        return redirect("gifts:test_bank", pk=order.pk)
    response = render(
        request,
        "gifts/giving/checkout_authenticate.html",
        {
            "order": order,
            "stripe_key": stripe_publishable_key(),
            "client_secret": waiting["client_secret"],
            "autostart": autostart,
        },
        status=status,
    )
    return _with_stripe_csp(response)


def _finish_authentication(request, order, waiting):
    """Settle the order with what the provider says now; the checkout or the order page tells the giver."""
    try:
        order = checkout.confirm_order_payment(order=order, reference=waiting["reference"], by=request.user)
    except PaymentRequiresAction:
        messages.error(request, _("Your bank is still waiting for you to confirm the payment."))
        return _authentication_page(request, order, waiting, autostart=False, status=409)
    except PaymentPending as error:
        _forget_authentication(request, order)
        messages.info(request, str(error))
        return redirect("gifts:order_detail", pk=order.pk)
    except PaymentDeclined as error:
        _forget_authentication(request, order)
        messages.error(request, _("%(reason)s Your cart is as it was.") % {"reason": error})
        query = urlencode({"ships_to": waiting["ships_to"], "again": order.pk})
        return HttpResponseRedirect(f"{reverse('gifts:checkout')}?{query}")
    except checkout.PaymentArrivedLate as error:
        _forget_authentication(request, order)
        messages.error(request, str(error))
        return redirect("gifts:order_detail", pk=order.pk)
    except PaymentError as error:
        messages.error(request, str(error))
        return _authentication_page(request, order, waiting, autostart=False, status=503)
    _forget_authentication(request, order)
    _order_placed_event(request, order, order.recipient_country.code)
    return redirect("gifts:order_placed", pk=order.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def test_bank(request, pk):
    """The test provider's stand-in for a card's bank: approve or fail the authentication of a test payment.
    Exists only while the test provider takes the payments (never with Stripe, never in production)."""
    if not is_test_mode():
        raise Http404("No test bank")
    order = _giver_order(request, pk)
    waiting = _waiting_authentication(request, order)
    if waiting is None or not checkout.is_awaiting_authentication(order):
        return _authentication_gone(request, order)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in {"approve", "fail"}:
            messages.error(request, _("Choose whether to approve the payment."))
            return redirect("gifts:test_bank", pk=order.pk)
        TestPaymentProvider().authenticate(reference=waiting["reference"], approved=decision == "approve")
        return _finish_authentication(request, order, waiting)
    return render(request, "gifts/giving/test_bank.html", {"order": order})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's notices about payments (`payment_intent.succeeded`, `.payment_failed`, `.canceled`): settles an
    order whose giver left before our page heard back from the bank. Signed by Stripe (`Stripe-Signature`), hence
    no CSRF token; answers 404 until STRIPE_WEBHOOK_SECRET is set, 400 to anything unsigned, and 503 (Stripe
    retries) when Stripe itself cannot be reached to check the payment."""
    if not settings.STRIPE_WEBHOOK_SECRET or not settings.STRIPE_SECRET_KEY:
        raise Http404("No Stripe webhook here")
    try:
        event = verify_stripe_webhook(
            request.body, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except WebhookSignatureError as error:
        logger.warning("stripe webhook refused: %s", error)
        return JsonResponse({"error": "invalid signature"}, status=400)
    try:
        outcome = checkout.apply_payment_event(event=event)
    except PaymentError:
        logger.warning("stripe webhook could not check the payment", extra={"event": event.get("id", "")})
        return JsonResponse({"error": "try again later"}, status=503)
    logger.info(
        "stripe webhook", extra={"event": event.get("id", ""), "type": event.get("type", ""), "outcome": outcome}
    )
    return JsonResponse({"received": True, "outcome": outcome})


def _address_book_initial(request, destination) -> dict:
    """Prefill the recipient from an address book entry in the destination country (?address=<id>)."""
    chosen = request.GET.get("address", "")
    if not chosen.isdigit():
        return {}
    address = Address.objects.filter(user=request.user, pk=int(chosen), country=destination.country).first()
    if address is None:
        return {}
    return {
        name: getattr(address, name)
        for name in (
            "recipient_name",
            "street_address_1",
            "street_address_2",
            "city",
            "city_area",
            "country_area",
            "postal_code",
            "phone",
        )
    }


def _giver_order(request, pk):
    order = orders.order_for_giver(giver=request.user, pk=pk)
    if order is None:
        raise Http404("No such order")
    return order


@never_cache
@login_required
@require_safe
def order_placed(request, pk):
    """Thanks, what happens next, and the recipient's link to share."""
    order = _giver_order(request, pk)
    return render(request, "gifts/giving/order_placed.html", _order_context(order))


@never_cache
@login_required
@require_safe
def order_list(request):
    return render(
        request, "gifts/giving/order_list.html", {"orders": list(orders.orders_of(request.user)), "section": "orders"}
    )


@never_cache
@login_required
@require_safe
def order_detail(request, pk):
    order = _giver_order(request, pk)
    context = _order_context(order)
    if checkout.is_awaiting_authentication(order):
        # The way back to the bank's step (only the browser that started the payment can finish it), and when the
        # pieces go back on sale if nobody does.
        context["bank_step_here"] = _waiting_authentication(request, order) is not None
        context["bank_deadline"] = order.placed_at + checkout.AUTHENTICATION_WINDOW
    return render(request, "gifts/giving/order_detail.html", context)


def _order_context(order) -> dict:
    return {
        "order": order,
        "shipments": list(order.shipments.all()),
        "lines": list(order.lines.all()),
        "history": list(order.status_changes.all()),
        "recipient_url": checkout.absolute_url(checkout.recipient_page_path(order)),
        "address_lines": order.recipient_address_lines(),
        "section": "orders",
    }


@login_required
@require_POST
def order_cancel(request, pk):
    order = _giver_order(request, pk)
    try:
        orders.cancel_order(order=order, by=request.user)
    except orders.OrderError as error:
        messages.error(request, str(error))
    else:
        record_event(request, EventName.ORDER_CANCELLED, value=order.total, value_currency=order.currency)
        messages.success(request, _("Your order is cancelled and the payment refunded."))
    return redirect("gifts:order_detail", pk=order.pk)


def _private(response):
    """Secret-link pages stay out of search engines, caches and other sites' logs.

    `same-origin`, not `no-referrer`: the link never leaves for another site, and the page's own forms still send an
    Origin that Django's CSRF check accepts (with `no-referrer` Chromium sends `Origin: null` and the POST is a 403).
    """
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def recipient_page(request, token):
    """The recipient's page: the pieces, their stories, the artists and cultures, the message; never a price or
    the address, and the giver's name only if they chose to reveal it."""
    order = orders.order_for_recipient(token)
    if order is None:
        raise Http404("No such gift")
    lines = list(order.lines.all())
    origins = list({line.gift.artist.home_locale_id: line.gift.artist.home_locale for line in lines}.values())
    shipments = list(order.shipments.all())
    response = render(
        request,
        "gifts/giving/recipient_page.html",
        {
            "order": order,
            "lines": lines,
            "origins": origins,
            "may_pay_duties": any(shipment.recipient_pays_duties for shipment in shipments),
        },
    )
    return _private(response)


@require_safe
def recipient_redirect(request, token):
    """`/g/<token>/` without a language opens the page in the language the giver chose for the recipient."""
    order = orders.order_for_recipient(token)
    if order is None:
        raise Http404("No such gift")
    with translation.override(order.recipient_language):
        url = reverse("gifts:recipient_page", kwargs={"token": token})
    return _private(HttpResponseRedirect(url))
