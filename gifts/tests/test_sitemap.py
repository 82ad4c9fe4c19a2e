import pytest

from gifts.tests.world import build_world

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es", "fr", "de", "ja", "pt-br")


def test_the_sitemap_lists_public_pages_in_every_language(client):
    build_world()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for language in LANGUAGES:
        for path in ("", "gifts/", "gifts/tea-bowl/", "artists/hana/", "markets/kyoto/", "markets/", "artists/"):
            assert f"<loc>http://testserver/{language}/{path}</loc>" in xml, (language, path)
    assert 'hreflang="ja" href="http://testserver/ja/gifts/tea-bowl/"' in xml
    assert 'hreflang="x-default"' in xml


def test_the_sitemap_leaves_out_what_is_not_public(client):
    build_world()
    xml = client.get("/sitemap.xml").content.decode()
    assert "/gifts/draft/" not in xml
    assert "/gifts/hidden/" not in xml
    assert "/artists/gone/" not in xml
    assert "/markets/scotland/" not in xml
