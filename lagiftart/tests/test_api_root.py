"""The API's root: one error shape everywhere under /api/, a schema that validates and documents every operation,
and an interactive docs page that works under the site's Content Security Policy."""

import functools
import os
import re
import shutil

import jsonschema
import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from gifts.tests.world import build_world

pytestmark = pytest.mark.django_db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status
    return body


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v2/gifts/", "/api/v1/nothing/here/", "/api/v1/gifts/a%0Ab/"])
def test_an_address_under_api_that_nothing_serves_is_a_problem_404(client, path):
    body = problem(client.get(path), 404)

    assert body["type"] == "urn:lagiftart:problem:not_found"
    assert body["detail"] == "There is no API endpoint at this address."


def test_the_root_links_a_client_to_the_docs_the_schema_and_the_collections(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    links = response.json()["links"]
    assert links["docs"] == "http://testserver/api/v1/docs/"
    assert links["schema"] == "http://testserver/api/v1/schema/"
    assert links["app_sign_in"] == "http://testserver/_allauth/app/v1/"
    for name in ("gifts", "artists", "markets", "categories"):
        assert client.get(links[name].removeprefix("http://testserver")).status_code == 200, name
    problem(client.post("/api/v1/", data="{}", content_type="application/json"), 405)
    assert "bogus" in problem(client.get("/api/v1/?bogus=1"), 400)["errors"]
    assert problem(client.get("/api/v1"), 404)["detail"].endswith("Did you mean /api/v1/?")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_any_method_on_an_unknown_api_address_is_a_404_not_a_csrf_page(client, method):
    problem(getattr(client, method)("/api/v1/nothing/", data="{}", content_type="application/json"), 404)


def test_a_missing_trailing_slash_names_the_address_that_exists(client):
    body = problem(client.get("/api/v1/gifts"), 404)

    assert body["detail"] == "There is no API endpoint at this address. Did you mean /api/v1/gifts/?"


def test_an_unknown_api_address_speaks_the_request_language(client):
    body = problem(client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="fr"), 404)

    assert body["title"]
    assert "Accept-Language" in client.get("/api/v1/nothing/")["Vary"]


def test_the_storefront_keeps_its_html_404(client):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@functools.cache
def schema() -> dict:
    """The generated schema, once per test run (generating it costs about a second); tests only read it."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_without_a_warning(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_the_schema_is_served_as_json_and_yaml(client):
    as_json = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    as_yaml = client.get("/api/v1/schema/")

    assert as_json.status_code == 200
    assert as_json.json()["info"]["title"] == "LaGiftArt API"
    assert yaml.safe_load(as_yaml.content)["paths"]


PUBLIC_OPERATIONS = [
    "/api/v1/gifts/",
    "/api/v1/gifts/{slug}/",
    "/api/v1/gifts/{slug}/quote/",
    "/api/v1/categories/",
    "/api/v1/artists/",
    "/api/v1/artists/{slug}/",
    "/api/v1/locales/",
    "/api/v1/locales/{slug}/",
]


def operations():
    for path, item in schema()["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_says_who_may_call_it():
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        description = operation["description"]
        assert any(
            words in description for words in ("Public: no credentials needed", "Signed in", "An approved artist")
        ), where
        assert "key" in description, f"{where} says whether a partner key opens it"
        assert operation["security"], where


def test_every_operation_has_an_example_of_what_it_takes_and_answers():
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        for media in operation.get("requestBody", {}).get("content", {}).values():
            assert media.get("examples"), f"{where}: no request example"
        answers = [
            media
            for status, response in operation["responses"].items()
            if status.startswith("2")
            for media in response.get("content", {}).values()
        ]
        assert all(media.get("examples") for media in answers), f"{where}: no example of a success"
        assert answers or method == "delete", where


def test_every_example_matches_the_schema_it_illustrates():
    components = schema()["components"]["schemas"]
    checked = 0
    for path, method, operation in operations():
        bodies = [("request", media) for media in operation.get("requestBody", {}).get("content", {}).values()]
        bodies += [
            (status, media)
            for status, response in operation["responses"].items()
            for media in response.get("content", {}).values()
        ]
        for status, media in bodies:
            for name, example in media.get("examples", {}).items():
                validator = jsonschema.Draft202012Validator(json_schema(media["schema"], components))
                errors = [
                    f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(example["value"])
                ]
                assert not errors, f"{method.upper()} {path} {status} example {name}: {errors}"
                checked += 1
    assert checked >= 60


def json_schema(node, components: dict, depth: int = 0):
    """An OpenAPI 3.0 schema as JSON Schema: references inlined, `nullable` as a null alternative."""
    assert depth < 30, "the schema nests too deep to inline"
    if isinstance(node, list):
        return [json_schema(item, components, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return json_schema(components[node["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    converted = {
        key: (value if key in ("enum", "example", "required") else json_schema(value, components, depth + 1))
        for key, value in node.items()
        if key not in ("nullable", "readOnly", "writeOnly")
    }
    if "properties" in node:
        converted["properties"] = {
            name: json_schema(value, components, depth + 1) for name, value in node["properties"].items()
        }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_every_public_endpoint_is_in_the_schema():
    assert set(PUBLIC_OPERATIONS) <= set(schema()["paths"])


def test_every_operation_has_a_summary_a_description_and_documented_problems():
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert operation.get("description"), where
        for status in ("400", "401", "403", "404", "406", "429"):
            content = operation["responses"][status]["content"]
            assert list(content) == ["application/problem+json"], where
            assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}, where


def test_every_public_read_has_an_example_cache_headers_and_a_304():
    paths = schema()["paths"]
    for path in PUBLIC_OPERATIONS:
        operation = paths[path]["get"]
        success = operation["responses"]["200"]
        assert success["content"]["application/json"]["examples"], path
        assert {"ETag", "Cache-Control", "Content-Language"} <= set(success["headers"]), path
        assert "304" in operation["responses"], path
        assert {} in operation["security"], f"{path} needs no credentials"
        names = {parameter["name"] for parameter in operation["parameters"]}
        assert {"Accept-Language", "If-None-Match"} <= names, path


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/gifts/?q=bowl",
        "/api/v1/gifts/tea-bowl/",
        "/api/v1/gifts/tea-bowl/quote/?destination=FR",
        "/api/v1/categories/",
        "/api/v1/artists/",
        "/api/v1/artists/hana/",
        "/api/v1/locales/",
        "/api/v1/locales/kyoto/",
    ],
)
def test_every_public_read_answers_a_conditional_get_with_a_304(client, path):
    build_world()
    first = client.get(path)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"

    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert (again["ETag"], again["Cache-Control"]) == (first["ETag"], first["Cache-Control"])
    assert client.get(path, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_the_gift_list_documents_every_filter():
    parameters = {parameter["name"] for parameter in schema()["paths"]["/api/v1/gifts/"]["get"]["parameters"]}

    assert parameters >= {
        "q",
        "origin",
        "category",
        "artist",
        "ships_to",
        "price_min",
        "price_max",
        "sort",
        "currency",
        "page",
        "page_size",
    }


def test_the_problem_shape_is_a_component_with_field_errors():
    problem_schema = schema()["components"]["schemas"]["Problem"]

    assert set(problem_schema["required"]) == {"type", "title", "status", "detail"}
    assert "errors" in problem_schema["properties"]


def test_the_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert re.findall(r"<script>", html) == [], "every script has a src"
    assert "/static/lagiftart/api-docs.css" in html
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy


def test_the_docs_page_loads_its_scripts_and_styles(client):
    html = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    init_script = next(source for source in sources if "script" in source and "static" not in source)

    script = client.get(init_script.replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert "/api/v1/schema/" in script.content.decode()
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_the_docs_page_renders_the_operations_in_a_browser_without_a_csp_violation(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        complaints = []
        page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
        page.goto(f"{live_server.url}/api/v1/docs/")
        page.wait_for_selector(".opblock-summary-path", timeout=15000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        browser.close()

    assert "/api/v1/gifts/" in "".join(paths)
    assert complaints == []
    assert background == "rgb(250, 250, 250)", "the page's own stylesheet applied"
