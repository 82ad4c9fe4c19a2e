"""Pages and JSON travel gzip-compressed to browsers that accept it (nothing in front of Cloud Run compresses)."""

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from lagiftart.middleware import TextCompressionMiddleware

pytestmark = pytest.mark.django_db


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(client):
    plain = client.get("/en/")
    compressed = client.get("/en/", headers={"Accept-Encoding": "gzip, deflate, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    page = gzip.decompress(compressed.content).decode()
    assert '<html lang="en"' in page
    assert len(compressed.content) < len(plain.content) / 2


def test_a_client_that_does_not_ask_gets_the_page_as_it_is(client):
    response = client.get("/en/")
    assert not response.has_header("Content-Encoding")
    assert response.content.decode().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("content_type", ["image/png", "application/zip", "application/pdf", "image/webp"])
def test_images_and_archives_are_left_alone(content_type):
    body = b"\x00" * 5000
    middleware = TextCompressionMiddleware(lambda request: HttpResponse(body, content_type=content_type))
    response = middleware(RequestFactory().get("/", headers={"Accept-Encoding": "gzip"}))
    assert not response.has_header("Content-Encoding")
    assert response.content == body


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=utf-8", "application/json", "application/problem+json", "text/csv"]
)
def test_text_of_every_kind_is_compressed(content_type):
    body = b"lagiftart " * 500
    middleware = TextCompressionMiddleware(lambda request: HttpResponse(body, content_type=content_type))
    response = middleware(RequestFactory().get("/", headers={"Accept-Encoding": "gzip"}))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == body
