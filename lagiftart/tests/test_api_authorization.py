"""The API's authorization matrix: every endpoint, with every kind of caller, answers exactly the status below.

Endpoints are discovered from the URL resolver and the OpenAPI schema, so a new endpoint fails
`test_the_matrix_covers_every_endpoint` until it has a row here. Callers:

| caller | who |
|---|---|
| anonymous | no credentials |
| owner | the giver who owns the cart line, order and privacy request the URL names |
| other | another signed-in person |
| artist | the account of an approved artist (not the owner) |
| key+scope | a partner key of the owner holding the endpoint's scope (all scopes where the endpoint names none) |
| key-scope | a partner key of the owner holding every scope but the endpoint's |
| expired, revoked | partner keys of the owner with every scope, expired or revoked |
| staff | a staff member: the API gives staff no powers beyond their own account |

People sign in with a browser session that re-authenticated a moment ago, so filing a privacy request is possible;
the need for that re-authentication is pinned in compliance/tests/test_api.py.
"""

import json
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, resolve
from drf_spectacular.generators import SchemaGenerator

from accounts.models import ApiScope
from accounts.tests.api_clients import key_headers, make_key
from accounts.tests.factories import UserFactory
from compliance.regimes import GDPR
from compliance.services import file_request
from gifts.checkout import place_order
from gifts.models import Cart, CartLine
from gifts.payments import TEST_CARD_PAID
from gifts.tests.giving import api_checkout_body, build_giving_world, cart_with, lyon_recipient, to_lyon
from gifts.tests.studio import artist_account
from lagiftart.api import api_urls
from lagiftart.tests.module_data import rows_for_the_module
from locales.selectors import rate_table

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "owner", "other", "artist", "key+scope", "key-scope", "expired", "revoked", "staff")
PUBLIC = (200, 200, 200, 200, 200, 403, 401, 401, 200)
PERSONAL = (401, 200, 200, 200, 403, 403, 401, 401, 200)
OWNED = (401, 200, 404, 404, 403, 403, 401, 401, 404)
MINE = (401, 200, 200, 200, 200, 403, 401, 401, 200)
OWNED_BY_KEY = (401, 200, 404, 404, 200, 403, 401, 401, 404)
STUDIO = (401, 403, 403, 200, 403, 403, 401, 401, 403)
OPEN = (200, 200, 200, 200, 200, 200, 401, 401, 200)

MATRIX = {
    # Public catalog (built beside this work; a key needs the scope).
    ("GET", "/api/v1/artists/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/artists/{slug}/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/categories/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/gifts/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/gifts/{slug}/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/gifts/{slug}/quote/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/locales/"): (ApiScope.CATALOG_READ, PUBLIC),
    ("GET", "/api/v1/locales/{slug}/"): (ApiScope.CATALOG_READ, PUBLIC),
    # The schema and its page are public to everyone, whatever a key's scopes.
    ("GET", "/api/v1/"): (None, OPEN),
    ("GET", "/api/v1/schema/"): (None, OPEN),
    ("GET", "/api/v1/docs/"): (None, OPEN),
    # A person's own: never a key.
    ("GET", "/api/v1/me/"): (None, PERSONAL),
    ("PATCH", "/api/v1/me/"): (None, PERSONAL),
    ("GET", "/api/v1/consent/"): (None, PERSONAL),
    ("PUT", "/api/v1/consent/"): (None, PERSONAL),
    ("PATCH", "/api/v1/consent/"): (None, PERSONAL),
    ("GET", "/api/v1/privacy/requests/"): (None, PERSONAL),
    ("POST", "/api/v1/privacy/requests/"): (None, (401, 201, 201, 201, 403, 403, 401, 401, 201)),
    ("GET", "/api/v1/privacy/requests/{reference}/"): (None, OWNED),
    # The giver's cart and orders: a person, or the owner's key with the scope.
    ("GET", "/api/v1/cart/"): (ApiScope.CART_WRITE, MINE),
    ("POST", "/api/v1/cart/lines/"): (ApiScope.CART_WRITE, (401, 201, 201, 201, 201, 403, 401, 401, 201)),
    ("PATCH", "/api/v1/cart/lines/{id}/"): (ApiScope.CART_WRITE, OWNED_BY_KEY),
    ("DELETE", "/api/v1/cart/lines/{id}/"): (ApiScope.CART_WRITE, (401, 204, 404, 404, 204, 403, 401, 401, 404)),
    # Others' carts are empty: their checkout is refused as a conflict, never someone else's order.
    ("POST", "/api/v1/checkout/"): (ApiScope.ORDERS_WRITE, (401, 201, 409, 409, 201, 403, 401, 401, 409)),
    ("GET", "/api/v1/orders/"): (ApiScope.ORDERS_READ, MINE),
    ("GET", "/api/v1/orders/{id}/"): (ApiScope.ORDERS_READ, OWNED_BY_KEY),
    ("POST", "/api/v1/orders/{id}/cancel/"): (ApiScope.ORDERS_WRITE, OWNED_BY_KEY),
    # Approved artists only.
    ("GET", "/api/v1/studio/gifts/"): (None, STUDIO),
    ("GET", "/api/v1/studio/orders/"): (None, STUDIO),
}
NOT_IN_SCHEMA = {"/api/v1/", "/api/v1/schema/", "/api/v1/docs/"}

BODIES = {
    ("PATCH", "/api/v1/me/"): {"full_name": "Someone"},
    ("PUT", "/api/v1/consent/"): {"purposes": {"analytics": True, "marketing": False, "personalisation": False}},
    ("PATCH", "/api/v1/consent/"): {"purposes": {"analytics": True}},
    ("POST", "/api/v1/privacy/requests/"): {"kind": "objection", "details": "No newsletters"},
    ("POST", "/api/v1/cart/lines/"): {"gift": "tea-bowl", "quantity": 1},
    ("PATCH", "/api/v1/cart/lines/{id}/"): {"quantity": 2},
    ("POST", "/api/v1/checkout/"): api_checkout_body(),
}
QUERIES = {("GET", "/api/v1/gifts/{slug}/quote/"): {"destination": "lyon"}}


def routes(patterns, prefix="") -> set[str]:
    """Every route under `patterns`, written the way the OpenAPI schema writes paths (`{slug}`)."""
    found = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found |= routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.add(route)
    return {_schema_style(route) for route in found}


def _schema_style(route: str) -> str:
    """`<slug:slug>` → `{slug}`; drf-spectacular names a `pk` parameter `id`."""
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: "{%s}" % ("id" if match[1] == "pk" else match[1]), route)


def test_the_matrix_covers_every_endpoint():
    assert {f"/api/v1/{route}" for route in routes(api_urls())} == {path for _method, path in MATRIX}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "put", "patch", "post", "delete"}
    }
    assert documented == {operation for operation in MATRIX if operation[1] not in NOT_IN_SCHEMA}


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=" ".join)
def test_each_view_declares_the_scope_in_the_matrix(operation):
    _method, path = operation
    scope, _statuses = MATRIX[operation]
    concrete = path.format(slug="x", id=1, reference="00000000-0000-0000-0000-000000000000")
    view = resolve(concrete).func.view_class
    assert getattr(view, "required_scope", None) == scope


def signed_in(user) -> Client:
    """A browser session of `user` that confirmed the password a moment ago (allauth's record of it)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """A catalog, a giver (the owner) with a paid order, a cart line and a privacy request, and the other callers;
    made once for the module (each test's writes are rolled back, and tests only read these objects)."""
    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            built = _build_scene()
        yield built


def _build_scene() -> dict:
    world = build_giving_world()
    owner = world.giver
    order = place_order(
        cart=cart_with(owner, (world.alebrije, 1)),
        giver=owner,
        recipient=lyon_recipient(),
        destination=to_lyon(world),
        currency="USD",
        rates=rate_table(),
        message="",
        reveal_giver=False,
        giver_name="",
        payment_token=TEST_CARD_PAID,
        idempotency_key="scene",
    )
    line = CartLine.objects.create(cart=Cart.objects.get(user=owner), gift=world.scarf, quantity=1)
    dsr = file_request(kind="access", email=owner.email, language="en", regime=GDPR, user_id=owner.pk)
    return {
        "world": world,
        "owner": owner,
        "other": UserFactory(email="other@example.com"),
        "artist": artist_account(world.tea_bowl.artist, "hana@kyoto.example"),
        "staff": UserFactory(email="staff@lagiftart.example", is_staff=True, is_superuser=True),
        "values": {"slug": "silk-scarf", "id": None, "reference": dsr.reference},
        "order": order,
        "line": line,
    }


def _path(operation, scene) -> str:
    _method, path = operation
    values = dict(scene["values"])
    if "/orders/" in path:
        values["id"] = scene["order"].pk
    elif "/cart/lines/" in path:
        values["id"] = scene["line"].pk
    if path.startswith(("/api/v1/artists/", "/api/v1/locales/")):
        values["slug"] = "claire" if "artists" in path else "lyon"
    return path.format(**values)


def _callers(scene, scope) -> dict:
    owner = scene["owner"]
    everything = list(ApiScope.values)
    _key, with_scope = make_key(owner, [scope] if scope else everything)
    _key, without_scope = make_key(owner, [other for other in everything if other != scope])
    _key, expired = make_key(owner, everything, expires_in=timedelta(minutes=-1))
    _key, revoked = make_key(owner, everything, revoked=True)
    return {
        "anonymous": lambda: (Client(), {}),
        "owner": lambda: (signed_in(owner), {}),
        "other": lambda: (signed_in(scene["other"]), {}),
        "artist": lambda: (signed_in(scene["artist"]), {}),
        "key+scope": lambda: (Client(), key_headers(with_scope)),
        "key-scope": lambda: (Client(), key_headers(without_scope)),
        "expired": lambda: (Client(), key_headers(expired)),
        "revoked": lambda: (Client(), key_headers(revoked)),
        "staff": lambda: (signed_in(scene["staff"]), {}),
    }


@pytest.mark.parametrize("operation", sorted(MATRIX), ids=" ".join)
def test_each_caller_gets_exactly_the_expected_answer(operation, scene):
    method, template = operation
    scope, expected = MATRIX[operation]
    path = _path(operation, scene)
    callers = _callers(scene, scope)
    answers = {}
    for caller in CALLERS:
        cache.clear()
        with transaction.atomic():
            client, headers = callers[caller]()
            if method == "POST" and template == "/api/v1/checkout/":
                headers = {**headers, "Idempotency-Key": f"matrix-{caller}"}
            response = client.generic(
                method,
                path,
                data=_json(BODIES.get(operation)),
                content_type="application/json",
                headers=headers,
                QUERY_STRING=_query(QUERIES.get(operation)),
            )
            answers[caller] = response.status_code
            if response.status_code >= 400 and template not in NOT_IN_SCHEMA:
                assert response["Content-Type"] == "application/problem+json", (caller, response.content)
            transaction.set_rollback(True)
    assert answers == dict(zip(CALLERS, expected, strict=True))


def _json(body) -> str:
    return json.dumps(body) if body is not None else ""


def _query(query) -> str:
    return urlencode(query) if query else ""
