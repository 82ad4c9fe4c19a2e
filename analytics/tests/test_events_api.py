"""`record_event` called from a DRF view: the same consent rule, pseudonyms and batching as the storefront.

DRF wraps Django's request in `rest_framework.request.Request`; the API's views hand that wrapper to `record_event`.
These tests run a small API view through the whole middleware stack, as /api/v1/ will: the user DRF
authenticated (not only the session's) is the consent subject, the event is written in the request's batch, and
an API client is never given a cookie, since it has no consent banner to answer.
"""

import pytest
from django.urls import path
from prometheus_client import REGISTRY
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.tests.factories import UserFactory
from analytics.events import record_event, user_pseudonym
from analytics.models import ActivityEvent, ConsentBasis, EventName
from compliance.consent import ConsentSubject, accept_all, record_choice, reject_all
from compliance.models import ConsentSource
from compliance.regimes import GDPR
from gifts.models import Gift
from gifts.tests.factories import GiftFactory

pytestmark = pytest.mark.urls(__name__)

API_PATH = "/api/v1/gifts/{slug}/"


class GiftDetailForTest(APIView):
    """What the API's gift detail view will do about analytics: one `record_event` call with the DRF request."""

    permission_classes = [AllowAny]

    def get(self, request, slug):
        gift = Gift.objects.select_related("artist__home_locale").get(slug=slug)
        event = record_event(request, EventName.GIFT_VIEWED, gift=gift, destination_country="FR")
        return Response({"slug": gift.slug, "recorded": event is not None})


urlpatterns = [path("api/v1/gifts/<slug:slug>/", GiftDetailForTest.as_view())]


@pytest.fixture
def gift(db):
    return GiftFactory(published=True)


@pytest.fixture
def api_client():
    return APIClient()


def refused(name: str) -> float:
    return REGISTRY.get_sample_value("lagiftart_activity_events_refused_total", {"name": name}) or 0.0


def choose(user, choices):
    record_choice(subject=ConsentSubject(user_id=user.pk), choices=choices, source=ConsentSource.API, regime=GDPR)


def test_an_anonymous_api_call_in_an_opt_in_regime_records_nothing(api_client, gift, in_eu):
    before = refused(EventName.GIFT_VIEWED)
    response = api_client.get(API_PATH.format(slug=gift.slug), headers=in_eu)
    assert response.status_code == 200
    assert response.json() == {"slug": gift.slug, "recorded": False}
    assert not ActivityEvent.objects.exists()
    assert refused(EventName.GIFT_VIEWED) == before + 1
    assert not response.cookies


def test_the_user_drf_authenticated_is_the_consent_subject(api_client, gift, in_eu):
    # An app signs in with a token, which Django's session middleware never sees: only DRF knows the user.
    user = UserFactory()
    choose(user, accept_all())
    api_client.force_authenticate(user=user)

    response = api_client.get(API_PATH.format(slug=gift.slug), headers=in_eu)

    assert response.json()["recorded"] is True
    event = ActivityEvent.objects.get()
    assert event.name == EventName.GIFT_VIEWED
    assert event.consent_basis == ConsentBasis.CONSENT
    assert event.user == user_pseudonym(user.pk)
    assert (event.gift, event.artist, event.destination_country) == (gift.slug, gift.artist.slug, "FR")
    assert event.path == API_PATH.format(slug=gift.slug)
    assert event.visitor and len(event.visitor) == 32
    assert not response.cookies


def test_an_app_user_who_refused_analytics_is_not_recorded_even_in_an_opt_out_regime(api_client, gift, in_california):
    user = UserFactory()
    choose(user, reject_all())
    api_client.force_authenticate(user=user)

    response = api_client.get(API_PATH.format(slug=gift.slug), headers=in_california)

    assert response.json()["recorded"] is False
    assert not ActivityEvent.objects.exists()


def test_an_api_client_in_an_opt_out_regime_is_counted_without_being_given_a_cookie(api_client, gift, in_california):
    response = api_client.get(
        API_PATH.format(slug=gift.slug) + "?currency=EUR", headers={**in_california, "User-Agent": "LaGiftArtApp/2.1"}
    )

    assert response.json()["recorded"] is True
    event = ActivityEvent.objects.get()
    assert event.consent_basis == ConsentBasis.OPT_OUT
    assert event.user == ""
    assert event.path == API_PATH.format(slug=gift.slug)  # the query string stays out
    assert event.user_agent_family == "other"
    # The browser's random id lives in a cookie; an API client gets none, so its events link to nothing.
    assert "analytics_visitor" not in response.cookies
    assert not response.cookies
