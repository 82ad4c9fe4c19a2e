"""Bad input on every endpoint is a 400 problem that names what is wrong, in the caller's language; never a 500.

Every operation of the authorization matrix is called by someone allowed to call it (the owner; an approved artist
for the studio) with an unknown query parameter and, where it takes a body, with a body that is not JSON, not an
object, or carries a field it does not take. The language is Accept-Language's alone, whatever the storefront's
language cookie says.
"""

import json

import pytest
from django.test import Client

from lagiftart.tests.test_api_authorization import BODIES, MATRIX, NOT_IN_SCHEMA, QUERIES, _path, scene, signed_in

pytestmark = pytest.mark.django_db

__all__ = ["scene"]  # the matrix's fixture: a catalog, an owner with an order, a cart line and a privacy request

OPERATIONS = sorted(operation for operation in MATRIX if operation[1] not in NOT_IN_SCHEMA)
TAKES_A_BODY = [operation for operation in OPERATIONS if operation in BODIES]
FRENCH = {"Accept-Language": "fr-CA, en;q=0.5"}


def call(scene, operation, *, body, query="", headers=None, client=None):
    method, template = operation
    caller = scene["artist"] if template.startswith("/api/v1/studio/") else scene["owner"]
    client = client or signed_in(caller)
    extra = {"Idempotency-Key": "input"} if template == "/api/v1/checkout/" else {}
    known = "&".join(f"{name}={value}" for name, value in QUERIES.get(operation, {}).items())
    return client.generic(
        method,
        _path(operation, scene),
        data=body,
        content_type="application/json",
        headers={**FRENCH, **extra, **(headers or {})},
        QUERY_STRING="&".join(part for part in (known, query) if part),
    )


def problem(response, status=400) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Content-Language"] == "fr"
    body = response.json()
    assert body["type"] == "urn:lagiftart:problem:invalid"
    assert body["title"] == "Requête incorrecte"
    return body


@pytest.mark.parametrize("operation", OPERATIONS, ids=" ".join)
def test_an_unknown_query_parameter_is_a_400_naming_it(scene, operation):
    body = problem(call(scene, operation, body=json.dumps(BODIES.get(operation, {})), query="colour=blue"))

    assert body["detail"] == "Certaines des valeurs envoyées ne sont pas valides."
    assert list(body["errors"]) == ["colour"]
    assert body["errors"]["colour"][0].startswith("Paramètre de requête inconnu.")


@pytest.mark.parametrize("operation", TAKES_A_BODY, ids=" ".join)
def test_a_body_that_is_not_json_is_a_400_saying_where_it_stops(scene, operation):
    body = problem(call(scene, operation, body='{"quantity": 2,'))

    assert list(body["errors"]) == ["body"]
    assert body["errors"]["body"] == ["Ce n\u2019est pas du JSON (ligne 1, colonne 16)."]


@pytest.mark.parametrize("operation", TAKES_A_BODY, ids=" ".join)
def test_a_body_that_is_not_an_object_is_a_400(scene, operation):
    for sent in ("null", "[]", '"text"', "42"):
        body = problem(call(scene, operation, body=sent))

        assert body["errors"] == {"body": ["Envoyez un objet JSON avec les champs que prend ce point de terminaison."]}


@pytest.mark.parametrize("operation", TAKES_A_BODY, ids=" ".join)
def test_a_field_the_endpoint_does_not_take_is_a_400_naming_it(scene, operation):
    sent = {**BODIES[operation], "colour": "blue"}

    body = problem(call(scene, operation, body=json.dumps(sent)))

    assert list(body["errors"]) == ["colour"]


def test_a_nested_field_the_endpoint_does_not_take_is_named_by_its_path(scene):
    operation = ("POST", "/api/v1/checkout/")
    sent = {**BODIES[operation], "recipient": {**BODIES[operation]["recipient"], "floor": "3"}}

    body = problem(call(scene, operation, body=json.dumps(sent)))

    assert list(body["errors"]) == ["recipient.floor"]


def test_a_read_only_field_is_refused_rather_than_ignored(scene):
    body = problem(call(scene, ("PATCH", "/api/v1/me/"), body=json.dumps({"email": "new@example.com"})))

    assert list(body["errors"]) == ["email"]
    assert scene["owner"].email != "new@example.com"


@pytest.mark.parametrize(
    ("path", "status", "title", "detail"),
    [
        ("/api/v1/me/", 401, "Authentification requise", "Informations d'authentification non fournies."),
        ("/api/v1/gifts/no-such-gift/", 404, "Introuvable", "Le cadeau «\u00a0no-such-gift\u00a0» n\u2019existe pas."),
    ],
)
def test_refusals_speak_the_language_of_accept_language(scene, path, status, title, detail):
    response = Client().get(path, headers=FRENCH)

    assert response.status_code == status
    assert (response.json()["title"], response.json()["detail"]) == (title, detail)
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/cart/", "/api/v1/gifts/"])
def test_the_storefronts_language_cookie_does_not_change_an_answers_language(scene, path):
    browser = signed_in(scene["owner"])
    browser.cookies["django_language"] = "de"

    response = browser.get(f"{path}?colour=blue", headers=FRENCH)

    problem(response)
    assert browser.get(path, headers={"Accept-Language": "ja"})["Content-Language"] == "ja"
