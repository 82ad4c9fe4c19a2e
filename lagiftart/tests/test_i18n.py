"""The storefront speaks the six launch languages; the URL carries the language and `/` picks one for you."""

import re

import pytest
from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("ja,en;q=0.5", "/ja/"), ("pt-BR,pt;q=0.9", "/pt-br/"), ("de-CH", "/de/"), ("sw", "/en/"), ("", "/en/")],
)
def test_root_redirects_by_accept_language(client, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_exists_in_each_language_with_its_html_lang(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_page_chrome_is_translated(client, language):
    english = client.get("/en/").content.decode()
    translated = client.get(f"/{language}/").content.decode()

    def chrome(html):
        skip = re.search(r'class="skip-link"[^>]*>([^<]+)<', html).group(1)
        heading = re.search(r"<h1>([^<]+)</h1>", html).group(1)
        privacy = re.search(r'href="/\w+(?:-\w+)?/privacy/">([^<]+)<', html).group(1)
        return skip, heading, privacy

    for english_text, translated_text in zip(chrome(english), chrome(translated), strict=True):
        assert translated_text != english_text, f"untranslated in {language}: {english_text!r}"


@pytest.mark.django_db
def test_language_switcher_keeps_the_page(client):
    html = client.get("/fr/privacy/").content.decode()
    for language in LANGUAGES:
        assert f'href="/{language}/privacy/" hreflang="{language}"' in html
    assert 'href="/fr/privacy/" hreflang="fr" lang="fr" aria-current="true"' in html


@pytest.mark.django_db
def test_pages_name_their_alternates_for_search_engines(client):
    html = client.get("/de/").content.decode()
    assert '<link rel="canonical" href="http://testserver/de/">' in html
    for language in LANGUAGES:
        assert f'<link rel="alternate" hreflang="{language}" href="http://testserver/{language}/">' in html


@pytest.mark.django_db
def test_not_found_page_is_in_the_active_language(client):
    response = client.get("/ja/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="ja"' in response.content.decode()


@pytest.mark.django_db
def test_language_switcher_keeps_the_query_string_but_alternates_do_not(client):
    html = client.get("/fr/privacy/?utm=x&page=2").content.decode()
    assert 'href="/ja/privacy/?utm=x&amp;page=2" hreflang="ja"' in html
    assert '<link rel="alternate" hreflang="ja" href="http://testserver/ja/privacy/">' in html


def test_robots_keeps_crawlers_out_of_private_paths_and_names_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    for private in ("/backoffice/", "/api/", "/*/account/", "/*/cart/", "/*/privacy/", "/g/"):
        assert f"Disallow: {private}\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
