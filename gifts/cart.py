"""The cart: pieces a giver gathers before sending them.

A visitor's cart is remembered by id in their session (session data survives the key rotation at login, the key
itself does not), and at login it merges into the account's cart. Quantities never exceed what is in stock.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Prefetch
from django.dispatch import receiver
from django.utils.translation import gettext as _

from gifts.models import Cart, CartLine, Gift, GiftImage

SESSION_CART_KEY = "gifts_cart_id"
MAX_QUANTITY = 20
"""More of one piece than this is a shop order, not a gift; the artist would be asked first."""


class CartError(Exception):
    """A cart change we cannot make; the message is for the giver."""


def _cart_lines():
    return CartLine.objects.select_related("gift__artist__home_locale", "gift__category").prefetch_related(
        Prefetch("gift__images", queryset=GiftImage.objects.order_by("position", "id")[:1], to_attr="cover_images")
    )


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """The cart of whoever makes the request: the account's when signed in, else the one the session points to."""
    user = request.user
    if user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    cart_id = request.session.get(SESSION_CART_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[SESSION_CART_KEY] = cart.pk
    return cart


def cart_lines(cart: Cart | None) -> list[CartLine]:
    """The cart's lines with each gift's artist, market, category and cover image (three queries)."""
    if cart is None:
        return []
    return list(_cart_lines().filter(cart=cart).order_by("added_at", "id"))


def _available(gift: Gift) -> int:
    return min(gift.stock, MAX_QUANTITY)


@transaction.atomic
def add_to_cart(*, cart: Cart, gift: Gift, quantity: int = 1) -> CartLine:
    """Add pieces of `gift`; a gift already in the cart gains quantity, up to what is in stock."""
    if quantity < 1:
        raise CartError(_("Choose at least one."))
    gift = Gift.objects.public().filter(pk=gift.pk).first()
    if gift is None:
        raise CartError(_("This piece is no longer offered."))
    if gift.stock < 1:
        raise CartError(_("This piece is sold out for now."))
    line = CartLine.objects.select_for_update().filter(cart=cart, gift=gift).first()
    wanted = (line.quantity if line else 0) + quantity
    if wanted > _available(gift):
        raise CartError(_("Only %(count)s of this piece can go in your cart.") % {"count": _available(gift)})
    if line is None:
        line = CartLine.objects.create(cart=cart, gift=gift, quantity=wanted)
    else:
        line.quantity = wanted
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def update_cart_line(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; zero removes it. Returns the line, or None when it was removed."""
    line = CartLine.objects.select_for_update().select_related("gift").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartError(_("That piece is no longer in your cart."))
    if quantity <= 0:
        line.delete()
        return None
    if quantity > _available(line.gift):
        raise CartError(_("Only %(count)s of this piece can go in your cart.") % {"count": _available(line.gift)})
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


def remove_cart_line(*, cart: Cart, line_id: int) -> None:
    """Take a piece out of the cart; removing one already gone is not an error."""
    CartLine.objects.filter(cart=cart, pk=line_id).delete()


@transaction.atomic
def merge_carts(*, source: Cart, into: Cart) -> Cart:
    """Move a visitor's lines into the account's cart, adding quantities but never beyond stock; drop the source."""
    if source.pk == into.pk:
        return into
    held = {line.gift_id: line for line in into.lines.all()}
    for line in source.lines.select_related("gift"):
        target = held.get(line.gift_id)
        quantity = min((target.quantity if target else 0) + line.quantity, _available(line.gift))
        if target is not None:
            target.quantity = max(quantity, 1)
            target.save(update_fields=["quantity"])
        elif quantity >= 1:
            CartLine.objects.create(cart=into, gift=line.gift, quantity=quantity)
    source.delete()
    return into


@receiver(user_logged_in, dispatch_uid="gifts.cart.merge_visitor_cart")
def merge_visitor_cart(sender, request, user, **kwargs):
    """At login, what the visitor gathered joins the account's cart, so signing in to check out loses nothing.

    Django's signal rather than allauth's: allauth logs in through `django.contrib.auth.login`, so this covers
    every way in.
    """
    if request is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(SESSION_CART_KEY, None)
    if not cart_id:
        return
    visitor_cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    if visitor_cart is None:
        return
    account_cart, _created = Cart.objects.get_or_create(user=user)
    merge_carts(source=visitor_cart, into=account_cart)
