"""Pages for sending a gift: the cart, checkout, the giver's orders and the recipient's page.

Visitors may fill a cart; placing an order needs an account (docs/giving.md says why). Every order page shows
only the signed-in giver's own orders: anyone else's is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Address
from analytics.events import EventName, record_event
from gifts import cart as carts
from gifts import checkout, orders
from gifts.forms import DestinationForm
from gifts.giving_forms import AddToCartForm, CartLineForm, CheckoutForm, RecipientAddressForm
from gifts.models import Gift
from gifts.payments import PaymentError
from gifts.selectors import destination_countries
from locales.currency import display_currency
from locales.selectors import default_destination, launched_markets, rate_table, resolve_destination


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
    address_initial = _address_book_initial(request, destination)
    address_form = RecipientAddressForm(data, destination=destination, markets=markets, initial=address_initial)
    form = CheckoutForm(
        data,
        languages=languages,
        expected_total=quote.total.amount,
        initial={"giver_name": request.user.full_name},
    )
    if request.method == "POST" and not quote.problems and address_form.is_valid() and form.is_valid():
        details = form.cleaned_data
        try:
            order = checkout.place_order(
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
            record_event(
                request,
                EventName.ORDER_PLACED,
                value=order.total,
                value_currency=order.currency,
                destination_country=destination,
            )
            return redirect("gifts:order_placed", pk=order.pk)
    if request.method == "POST":
        form.renew(quote.total.amount)
    return render(
        request,
        "gifts/giving/checkout.html",
        {
            "lines": lines,
            "quote": quote,
            "destination": destination,
            "address_form": address_form,
            "form": form,
            "address_book": list(
                Address.objects.filter(user=request.user, country=destination.country).order_by("-is_default", "pk")
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


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
    return render(request, "gifts/giving/order_detail.html", _order_context(order))


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
