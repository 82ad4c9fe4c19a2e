"""Template tags for the consent banner, so base.html needs only one include line and no context processor."""

from django import template

from compliance.consent import consent_state

register = template.Library()

# Pages where the banner would only repeat what the page itself offers.
_PAGES_WITHOUT_BANNER = {"compliance:preferences", "compliance:consent"}


@register.simple_tag(takes_context=True)
def consent_banner(context):
    """The visitor's consent state when the banner should show (no choice yet, or an older policy), else None.

    A first-time visitor costs no query; without a request (the bare 500 page) there is no banner.
    """
    request = context.get("request")
    if request is None:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in _PAGES_WITHOUT_BANNER:
        return None
    state = consent_state(request)
    return state if state.needs_choice else None
