import pytest

from locales.currency import CURRENCY_COOKIE, default_currency_for_language, display_currency


@pytest.mark.parametrize(
    ("language", "currency"),
    [("en", "USD"), ("es", "EUR"), ("fr", "EUR"), ("de", "EUR"), ("ja", "JPY"), ("pt-br", "BRL")],
)
def test_the_display_currency_defaults_to_the_language_region(language, currency):
    assert default_currency_for_language(language) == currency


def test_the_picker_remembers_a_currency_and_returns_to_the_page(client):
    response = client.get("/fr/currency/", {"currency": "JPY", "next": "/fr/gifts/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/gifts/?page=2"
    cookie = response.cookies[CURRENCY_COOKIE]
    assert cookie.value == "JPY"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_an_unknown_currency_keeps_the_old_one_and_says_so(client):
    response = client.get("/en/currency/", {"currency": "XYZ", "next": "/en/gifts/"}, follow=False)
    assert response.status_code == 302
    assert CURRENCY_COOKIE not in response.cookies
    assert response["Location"] == "/en/gifts/"


def test_the_picker_never_sends_the_buyer_to_another_site(client):
    response = client.get("/en/currency/", {"currency": "EUR", "next": "https://evil.example/"})
    assert response["Location"] == "/en/"


def test_a_remembered_choice_beats_the_language_default(rf):
    request = rf.get("/ja/gifts/", HTTP_COOKIE=f"{CURRENCY_COOKIE}=EUR")
    request.LANGUAGE_CODE = "ja"
    assert display_currency(request) == "EUR"
    tampered = rf.get("/ja/gifts/", HTTP_COOKIE=f"{CURRENCY_COOKIE}=<script>")
    tampered.LANGUAGE_CODE = "ja"
    assert display_currency(tampered) == "JPY"
