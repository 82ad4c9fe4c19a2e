"""Each privacy law gives its own deadline and consent model; a visitor we cannot place gets the strictest rules."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from compliance import regimes
from compliance.regimes import (
    APPI,
    CCPA,
    DEFAULT,
    GDPR,
    LGPD,
    PIPEDA,
    UK_GDPR,
    ConsentModel,
    Location,
    Purpose,
    parse_geo_header,
    regime_for_location,
    resolve_regime,
)


@pytest.mark.parametrize(
    ("regime", "received", "due", "extended"),
    [
        (GDPR, date(2026, 3, 10), date(2026, 4, 10), date(2026, 6, 10)),
        (GDPR, date(2026, 1, 31), date(2026, 2, 28), date(2026, 4, 30)),
        (UK_GDPR, date(2028, 1, 31), date(2028, 2, 29), date(2028, 4, 30)),
        (CCPA, date(2026, 3, 10), date(2026, 4, 24), date(2026, 6, 8)),
        (LGPD, date(2026, 3, 10), date(2026, 3, 25), None),
        (PIPEDA, date(2026, 3, 10), date(2026, 4, 9), date(2026, 5, 9)),
        (APPI, date(2026, 3, 10), date(2026, 3, 24), None),
        (DEFAULT, date(2026, 3, 10), date(2026, 3, 24), None),
    ],
)
def test_each_regime_sets_its_response_deadline_and_extension(regime, received, due, extended):
    assert regime.due_on(received) == due
    assert regime.extended_due_on(received) == extended


def test_the_default_regime_is_the_strictest_of_all():
    named = [GDPR, UK_GDPR, CCPA, LGPD, PIPEDA, APPI]
    february = date(2026, 2, 1)
    assert all(DEFAULT.due_on(february) <= regime.due_on(february) for regime in named)
    assert DEFAULT.extended_due_on(february) is None
    assert all(DEFAULT.consent_model(purpose) is ConsentModel.OPT_IN for purpose in Purpose.optional())
    assert DEFAULT.gpc_opts_out_of_sale


@pytest.mark.parametrize(
    ("regime", "analytics", "marketing", "gpc"),
    [
        (GDPR, ConsentModel.OPT_IN, ConsentModel.OPT_IN, False),
        (UK_GDPR, ConsentModel.OPT_IN, ConsentModel.OPT_IN, False),
        (CCPA, ConsentModel.OPT_OUT, ConsentModel.OPT_OUT, True),
        (LGPD, ConsentModel.OPT_IN, ConsentModel.OPT_IN, False),
        (PIPEDA, ConsentModel.OPT_OUT, ConsentModel.OPT_OUT, False),
        (APPI, ConsentModel.OPT_OUT, ConsentModel.OPT_IN, False),
    ],
)
def test_each_regime_states_its_consent_model_and_gpc_rule(regime, analytics, marketing, gpc):
    assert regime.consent_model(Purpose.ANALYTICS) is analytics
    assert regime.consent_model("marketing") is marketing
    assert regime.gpc_opts_out_of_sale is gpc


@pytest.mark.parametrize(
    ("location", "regime"),
    [
        (Location("FR"), GDPR),
        (Location("NO"), GDPR),
        (Location("de", "DE-BY"), GDPR),
        (Location("GB"), UK_GDPR),
        (Location("US", "US-CA"), CCPA),
        (Location("US", "US-TX"), DEFAULT),
        (Location("US"), DEFAULT),
        (Location("BR"), LGPD),
        (Location("CA", "CA-ON"), PIPEDA),
        (Location("CA", "CA-QC"), DEFAULT),
        (Location("JP"), APPI),
        (Location("MX"), DEFAULT),
        (Location(""), DEFAULT),
        (None, DEFAULT),
        (Location("FR", "US-CA"), GDPR),
    ],
)
def test_a_location_maps_to_its_regime(location, regime):
    assert regime_for_location(location) is regime


def test_a_stored_code_we_no_longer_know_reads_as_the_strictest():
    assert regimes.get_regime("ccpa") is CCPA
    assert regimes.get_regime("gone") is DEFAULT


@pytest.mark.parametrize(
    ("value", "location"),
    [
        ("US,USCA", Location("US", "US-CA")),
        ("us,us-ca", Location("US", "US-CA")),
        ("FR", Location("FR")),
        ("FR,", Location("FR")),
        ("CA,CAQC", Location("CA", "CA-QC")),
        ("US,FRIDF", Location("US")),
        ("", None),
        ("United States", None),
        ("<script>", None),
    ],
)
def test_the_load_balancer_geo_header_is_read_strictly(value, location):
    assert parse_geo_header(value) == location


@pytest.fixture
def anonymous_request():
    def make(**headers):
        request = RequestFactory().get("/en/", headers=headers)
        request.user = AnonymousUser()
        return request

    return make


def test_without_a_trusted_header_every_visitor_gets_the_strictest_rules(anonymous_request, settings):
    settings.COMPLIANCE_GEO_HEADER = ""
    assert resolve_regime(anonymous_request(**{"X-Client-Geo-Location": "US,USCA"})) is DEFAULT


def test_the_configured_geo_header_places_the_visitor(anonymous_request, settings):
    settings.COMPLIANCE_GEO_HEADER = "X-Client-Geo-Location"
    assert resolve_regime(anonymous_request(**{"X-Client-Geo-Location": "US,USCA"})) is CCPA
    assert resolve_regime(anonymous_request(**{"X-Client-Geo-Location": "DE,DEBE"})) is GDPR
    assert resolve_regime(anonymous_request()) is DEFAULT


def test_the_language_of_the_page_never_decides_the_regime(settings):
    settings.COMPLIANCE_GEO_HEADER = ""
    request = RequestFactory().get("/pt-br/", headers={"Accept-Language": "pt-BR"})
    request.user = AnonymousUser()
    assert resolve_regime(request) is DEFAULT


class _SignedIn:
    is_authenticated = True


def test_a_registered_account_location_wins_over_the_header(anonymous_request, settings):
    settings.COMPLIANCE_GEO_HEADER = "X-Client-Geo-Location"
    request = anonymous_request(**{"X-Client-Geo-Location": "US,USCA"})
    request.user = _SignedIn()
    regimes.register_account_location(lambda user: Location("JP"))
    try:
        assert resolve_regime(request) is APPI
        other = anonymous_request(**{"X-Client-Geo-Location": "US,USCA"})
        other.user = _SignedIn()
        regimes.register_account_location(lambda user: None)
        assert resolve_regime(other) is CCPA
    finally:
        regimes.register_account_location(None)
