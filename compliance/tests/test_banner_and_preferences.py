"""The consent banner and the preferences page: one click to accept or reject, change at any time, GPC honored."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from compliance.consent import VISITOR_COOKIE, has_consent
from compliance.models import ConsentRecord, PolicyVersion
from compliance.regimes import Purpose

pytestmark = pytest.mark.django_db

NOTICE = "/en/privacy/"
PREFERENCES = "/en/privacy/preferences/"
CONSENT = "/en/privacy/consent/"


def banner(html: str) -> str | None:
    match = re.search(r"<section class=\"consent-banner\".*?</section>", html, re.S)
    return match.group(0) if match else None


def has_consent_for(client, purpose, headers):
    """Ask has_consent as a page would, with the browser's cookies and headers."""
    request = RequestFactory().get("/en/", headers=headers)
    request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    request.user = AnonymousUser()
    return has_consent(request, purpose)


def test_a_first_visit_in_an_opt_in_regime_shows_the_banner_and_records_and_sets_nothing(client, in_eu):
    response = client.get(NOTICE, headers=in_eu)
    assert banner(response.content.decode())
    assert not ConsentRecord.objects.exists()
    assert VISITOR_COOKIE not in response.cookies
    assert set(response.cookies) <= {"csrftoken"}, "only the strictly necessary CSRF cookie"


def test_accept_and_reject_have_the_same_prominence(client, in_eu):
    html = banner(client.get(NOTICE, headers=in_eu).content.decode())
    accept = re.search(r'<button type="submit" class="([^"]+)" name="choice" value="accept_all">', html)
    reject = re.search(r'<button type="submit" class="([^"]+)" name="choice" value="reject_all">', html)
    choose = re.search(r'<a class="([^"]+)" href="/en/privacy/preferences/">', html)
    assert accept and reject and choose
    assert accept.group(1) == reject.group(1) == choose.group(1)


def test_the_banner_is_a_labelled_region_that_works_without_javascript(client, in_eu):
    html = banner(client.get(NOTICE, headers=in_eu).content.decode())
    assert 'aria-labelledby="consent-banner-title"' in html
    assert 'id="consent-banner-title"' in html
    assert '<form class="consent-actions" method="post" action="/en/privacy/consent/">' in html
    assert "<script" not in html and "style=" not in html


def test_reject_all_is_one_click_and_the_banner_goes(client, in_eu):
    response = client.post(CONSENT, {"choice": "reject_all", "next": "/en/privacy/"}, headers=in_eu)
    assert response.status_code == 302 and response["Location"] == "/en/privacy/"
    assert response.cookies[VISITOR_COOKIE]["httponly"]
    rows = ConsentRecord.objects.all()
    assert {(row.purpose.code, row.granted, row.source) for row in rows} == {
        ("analytics", False, "banner"),
        ("marketing", False, "banner"),
        ("personalisation", False, "banner"),
    }
    assert banner(client.get(NOTICE, headers=in_eu).content.decode()) is None
    assert not has_consent_for(client, Purpose.ANALYTICS, in_eu)


def test_accept_all_grants_every_optional_purpose(client, in_eu):
    client.post(CONSENT, {"choice": "accept_all"}, headers=in_eu)
    assert all(has_consent_for(client, purpose, in_eu) for purpose in Purpose.optional())


def test_withdrawal_on_the_preferences_page_applies_at_once(client, in_eu):
    client.post(CONSENT, {"choice": "accept_all"}, headers=in_eu)
    response = client.post(PREFERENCES, {"analytics": "on", "personalisation": "on"}, headers=in_eu)
    assert response.status_code == 302
    assert not has_consent_for(client, Purpose.MARKETING, in_eu)
    assert has_consent_for(client, Purpose.ANALYTICS, in_eu)
    page = client.get(PREFERENCES, headers=in_eu).content.decode()
    assert re.search(r'<input type="checkbox" name="marketing"(?![^>]*checked)[^>]*>', page)
    assert "Your privacy choices are saved." in page


def test_the_preferences_page_shows_every_purpose_translated(client, in_eu):
    page = client.get("/fr/privacy/preferences/", headers=in_eu).content.decode()
    for name in ("Nécessaires", "Mesure d\u2019audience", "Marketing", "Personnalisation"):
        assert name in page
    assert 'id="purpose-necessary" checked disabled' in page


def test_gpc_locks_sale_and_sharing_off_on_the_preferences_page(client, in_california):
    headers = {**in_california, "Sec-GPC": "1"}
    page = client.get(PREFERENCES, headers=headers).content.decode()
    assert re.search(r'<input type="checkbox" name="marketing"[^>]*disabled', page)
    assert "Global Privacy Control" in page
    client.post(PREFERENCES, {"analytics": "on", "marketing": "on", "personalisation": "on"}, headers=headers)
    assert ConsentRecord.objects.get(purpose__code="marketing").granted is False


def test_an_opt_out_regime_banner_says_what_already_happens(client, in_california):
    html = banner(client.get(NOTICE, headers=in_california).content.decode())
    assert "You can refuse any of it" in html
    assert has_consent_for(client, Purpose.ANALYTICS, in_california)


def test_a_new_policy_version_asks_again(client, in_eu):
    client.post(CONSENT, {"choice": "reject_all"}, headers=in_eu)
    PolicyVersion.objects.create(version="2027-01", effective_on=timezone.localdate(), text="Newer text.")
    assert banner(client.get(NOTICE, headers=in_eu).content.decode())
    client.post(CONSENT, {"choice": "reject_all"}, headers=in_eu)
    assert banner(client.get(NOTICE, headers=in_eu).content.decode()) is None
    assert ConsentRecord.objects.filter(policy_version__version="2027-01").count() == 3


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", ""])
def test_the_banner_never_redirects_off_site(client, in_eu, target):
    response = client.post(CONSENT, {"choice": "accept_all", "next": target}, headers=in_eu)
    assert response["Location"] == PREFERENCES


def test_a_forged_choice_is_a_bad_request(client, in_eu):
    assert client.post(CONSENT, {"choice": "accept_some"}, headers=in_eu).status_code == 400
    assert client.get(CONSENT).status_code == 405
    assert not ConsentRecord.objects.exists()


def test_the_notice_shows_the_policy_in_effect_in_the_visitors_language(client, in_eu):
    page = client.get("/de/privacy/", headers=in_eu).content.decode()
    assert "Version 2026-11" in page or "2026-11" in page
    assert "LaGiftArt erhebt nur, was nötig ist" in page
    assert 'id="cookies"' in page and 'id="your-rights"' in page


def test_a_signed_in_choice_is_kept_with_the_account(client, make_user, in_eu):
    user = make_user()
    client.force_login(user)
    client.post(CONSENT, {"choice": "accept_all"}, headers=in_eu)
    assert set(ConsentRecord.objects.values_list("user_id", flat=True)) == {user.pk}
    client.cookies.pop(VISITOR_COOKIE)
    assert banner(client.get(NOTICE, headers=in_eu).content.decode()) is None


@pytest.mark.parametrize("language", ["es", "fr", "de", "ja", "pt-br"])
def test_the_banner_speaks_the_visitors_language(client, in_eu, language):
    from django.utils import translation

    with translation.override(language):
        accept, reject = translation.gettext("Accept all"), translation.gettext("Reject all")
    assert (accept, reject) != ("Accept all", "Reject all"), f"the banner is not translated into {language}"
    html = banner(client.get(f"/{language}/privacy/", headers=in_eu).content.decode())
    assert accept in html and reject in html
    assert f'action="/{language}/privacy/consent/"' in html


@pytest.mark.parametrize("language", ["en", "es", "fr", "de", "ja", "pt-br"])
@pytest.mark.parametrize("page", ["", "preferences/", "requests/", "requests/sent/"])
def test_every_privacy_page_exists_in_every_language(client, language, page):
    response = client.get(f"/{language}/privacy/{page}")
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()


def test_a_missing_purpose_row_is_made_again_not_skipped(client, in_eu):
    from compliance.models import ConsentPurpose

    ConsentPurpose.objects.filter(code="marketing").delete()
    client.post(CONSENT, {"choice": "accept_all"}, headers=in_eu)
    assert ConsentRecord.objects.filter(purpose__code="marketing", granted=True).exists()
