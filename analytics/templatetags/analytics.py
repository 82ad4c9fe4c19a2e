"""`{% vitals_script %}`: the Web Vitals reporter, only for visitors whose analytics consent allows it, sampled."""

import secrets

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

from compliance.consent import has_consent
from compliance.regimes import Purpose

register = template.Library()


@register.simple_tag(takes_context=True)
def vitals_script(context) -> str:
    request = context.get("request")
    if request is None or settings.BEACON_SAMPLE_RATE <= 0:
        return ""
    if not has_consent(request, Purpose.ANALYTICS):
        return ""
    # A page view is in the sample with probability BEACON_SAMPLE_RATE; sampling is statistics, not security.
    if settings.BEACON_SAMPLE_RATE < 1 and secrets.randbelow(1_000_000) >= settings.BEACON_SAMPLE_RATE * 1_000_000:
        return ""
    return format_html(
        '<script src="{}" nonce="{}" data-beacon="{}" defer></script>',
        static("js/vitals.js"),
        getattr(request, "csp_nonce", ""),
        "/beacon",
    )
