"""Market-level preferences a buyer sets from any page."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from locales.currency import CURRENCY_COOKIE, CURRENCY_COOKIE_MAX_AGE, DISPLAY_CURRENCIES


@never_cache
@require_safe
def set_currency(request):
    """Remember the display currency in a cookie and go back to the page the buyer was on.

    A GET form, like a link: choosing how prices read changes no data, so it needs no CSRF token on every page.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("gifts:home")
    response = HttpResponseRedirect(next_url)
    currency = request.GET.get("currency", "").strip().upper()
    if currency not in DISPLAY_CURRENCIES:
        messages.warning(request, _("We cannot show prices in that currency yet; the prices stay as they were."))
        return response
    response.set_cookie(
        CURRENCY_COOKIE,
        currency,
        max_age=CURRENCY_COOKIE_MAX_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
