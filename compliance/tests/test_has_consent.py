"""`has_consent(request, purpose)`: the one question the rest of the code asks, answered by regime, choice and GPC."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from compliance.consent import (
    VISITOR_COOKIE,
    ConsentSubject,
    accept_all,
    has_consent,
    record_choice,
    reject_all,
)
from compliance.models import ConsentRecord, ConsentSource
from compliance.regimes import CCPA, DEFAULT, GDPR, Purpose

pytestmark = pytest.mark.django_db

VISITOR = "visitor-0123456789abcdef"


@pytest.fixture
def visit():
    """A request from a place (a geo header value), optionally with the consent cookie, GPC, or a signed-in user."""

    def make(place="", *, visitor="", gpc=False, user=None):
        headers = {"X-Client-Geo-Location": place} if place else {}
        if gpc:
            headers["Sec-GPC"] = "1"
        request = RequestFactory().get("/en/", headers=headers)
        if visitor:
            request.COOKIES[VISITOR_COOKIE] = visitor
        request.user = user or AnonymousUser()
        return request

    return make


def choose(choices, *, regime, visitor=VISITOR, user_id=None, gpc=False):
    return record_choice(
        subject=ConsentSubject(user_id=user_id, visitor_id=visitor),
        choices=choices,
        source=ConsentSource.PREFERENCES,
        regime=regime,
        gpc=gpc,
    )


@pytest.mark.parametrize("place", ["FR", "US,USCA", ""])
def test_necessary_is_always_allowed(visit, place):
    assert has_consent(visit(place), Purpose.NECESSARY)
    assert has_consent(visit(place, gpc=True), "necessary")


def test_an_opt_in_regime_allows_nothing_optional_before_a_choice(visit):
    for purpose in Purpose.optional():
        assert not has_consent(visit("DE"), purpose)
        assert not has_consent(visit(), purpose), "an unplaced visitor gets the strictest rules"


def test_an_opt_out_regime_allows_until_the_visitor_refuses(visit):
    assert has_consent(visit("US,USCA"), Purpose.ANALYTICS)
    choose({Purpose.ANALYTICS: False}, regime=CCPA)
    assert not has_consent(visit("US,USCA", visitor=VISITOR), Purpose.ANALYTICS)
    assert has_consent(visit("US,USCA", visitor=VISITOR), Purpose.PERSONALISATION)


def test_a_grant_allows_and_a_later_withdrawal_refuses_at_once(visit):
    choose(accept_all(), regime=GDPR)
    assert has_consent(visit("FR", visitor=VISITOR), Purpose.MARKETING)
    choose({Purpose.MARKETING: False}, regime=GDPR)
    assert not has_consent(visit("FR", visitor=VISITOR), Purpose.MARKETING)
    assert has_consent(visit("FR", visitor=VISITOR), Purpose.ANALYTICS)


def test_gpc_refuses_sale_and_sharing_where_the_law_says_so(visit):
    assert not has_consent(visit("US,USCA", gpc=True), Purpose.MARKETING)
    assert has_consent(visit("US,USCA", gpc=True), Purpose.ANALYTICS), "GPC is about sale and sharing only"
    assert not has_consent(visit(gpc=True), Purpose.MARKETING)
    assert not ConsentRecord.objects.exists(), "a visitor who never chose is refused without being recorded"


def test_gpc_does_not_override_an_explicit_choice_where_it_is_not_an_opt_out(visit):
    choose(accept_all(), regime=GDPR)
    assert has_consent(visit("FR", visitor=VISITOR, gpc=True), Purpose.MARKETING)


def test_gpc_outweighs_an_earlier_grant_and_is_written_to_the_ledger_once(visit):
    choose(accept_all(), regime=CCPA)
    assert not has_consent(visit("US,USCA", visitor=VISITOR, gpc=True), Purpose.MARKETING)
    assert not has_consent(visit("US,USCA", visitor=VISITOR, gpc=True), Purpose.MARKETING)
    gpc_rows = ConsentRecord.objects.filter(source=ConsentSource.GPC)
    assert [(row.purpose.code, row.granted) for row in gpc_rows] == [("marketing", False)]
    assert not has_consent(visit("US,USCA", visitor=VISITOR), Purpose.MARKETING), "the opt-out stays without GPC"


def test_a_choice_made_while_gpc_is_on_records_sale_and_sharing_as_refused(visit):
    records = choose(accept_all(), regime=CCPA, gpc=True)
    by_purpose = {record.purpose.code: (record.granted, record.source) for record in records}
    assert by_purpose["marketing"] == (False, ConsentSource.GPC)
    assert by_purpose["analytics"] == (True, ConsentSource.PREFERENCES)


def test_the_account_carries_choices_across_browsers(visit, make_user):
    user = make_user()
    choose(accept_all(), regime=DEFAULT, user_id=user.pk, visitor="first-browser-0123456")
    assert has_consent(visit(user=user), Purpose.ANALYTICS)
    assert has_consent(visit(user=user, visitor="other-browser-0123456"), Purpose.ANALYTICS)
    assert not has_consent(visit(visitor="other-browser-0123456"), Purpose.ANALYTICS)


def test_another_account_on_the_same_browser_does_not_inherit_its_choices(visit, make_user):
    first, second = make_user(), make_user(email="ben@example.com")
    choose(accept_all(), regime=DEFAULT, user_id=first.pk, visitor=VISITOR)
    assert not has_consent(visit(user=second, visitor=VISITOR), Purpose.ANALYTICS)


def test_an_unknown_purpose_is_an_error_not_a_silent_no(visit):
    with pytest.raises(ValueError):
        has_consent(visit("FR"), "tracking")


def test_the_state_is_read_once_per_request(visit, django_assert_num_queries):
    choose(reject_all(), regime=GDPR)
    request = visit("FR", visitor=VISITOR)
    with django_assert_num_queries(1):
        for purpose in Purpose:
            has_consent(request, purpose)
            has_consent(request, purpose)


def test_a_visitor_who_never_chose_costs_no_query(visit, django_assert_num_queries):
    with django_assert_num_queries(0):
        has_consent(visit("FR"), Purpose.ANALYTICS)


def test_unchanged_choices_add_no_rows_but_refusals_are_proved(visit):
    assert len(choose(reject_all(), regime=GDPR)) == 3
    assert choose(reject_all(), regime=GDPR) == []
    assert ConsentRecord.objects.filter(granted=False).count() == 3


def test_a_choice_needs_a_subject():
    with pytest.raises(ValueError):
        record_choice(subject=ConsentSubject(), choices=accept_all(), source=ConsentSource.BANNER, regime=GDPR)
