"""Schemathesis fuzzes every operation of the API's OpenAPI schema through the whole Django stack.

The schema is the one /api/v1/schema/ serves, generated while pytest collects, so whatever endpoints exist are
covered, the public catalog and the signed-in ones alike, each as a test of its own. Every answer goes through
schemathesis's checks: no 5xx; status codes, content types, headers and bodies as the schema documents them; bad
input refused with a 4xx; valid input accepted. Each operation is called anonymously (the schema's examples, the
coverage phase's boundary cases, random cases) and, where it needs credentials, with a partner key holding every
scope (examples and random cases). A fixed seed and few random cases per operation keep CI quick and repeatable.

Requests go to Django's WSGI application in process (schemathesis's `app` transport), inside each test's
transaction. On pytest-django's live server the database is flushed and restored after every operation, which cost
40% more CPU on SQLite (and more on PostgreSQL), and schemathesis 4.32 cannot load its schema from a fixture under
pytest 9.2 (its lazy loader sets `Node._nodeid`, which pytest 9.2 removed).
"""

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gifts.tests.world import build_world
from lagiftart.tests.module_data import rows_for_the_module

pytestmark = pytest.mark.django_db

RANDOM_CASES_PER_OPERATION = 5

NAMING_PARAMETERS = frozenset({"origin", "category", "artist", "ships_to", "market", "destination", "price_max"})
"""Query parameters that name a catalog row by slug or code (and price_max, which may not be below price_min): the
schema says what such a value looks like, not which ones exist, so a well-formed unknown one is a 400 naming it."""

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def valid_data_is_accepted(ctx, response, case):
    """schemathesis's positive_data_acceptance, except for a 400 with field errors that the schema cannot foresee:
    one naming only NAMING_PARAMETERS, or one about a body, whose fields carry rules across each other and the
    database (a gift's slug, an address in its country's format, a language spoken at the destination)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if 200 <= status < 400 or status in (401, 403, 404, 409, 429):
        return None
    errors = response.json().get("errors", {}) if status == 400 else {}
    if errors and (case.method.upper() in BODY_METHODS or set(errors) <= NAMING_PARAMETERS):
        return None
    raise AssertionError(f"Valid data should have been accepted, got {status}: {response.text[:500]}")


def signed_in_only(schema: dict) -> dict:
    """`schema` without its public reads (those listing "no credentials" among their security requirements)."""
    paths = {}
    for path, item in schema["paths"].items():
        kept = {method: operation for method, operation in item.items() if {} not in operation.get("security", [])}
        if kept:
            paths[path] = kept
    return {**schema, "paths": paths}


GENERATED = SchemaGenerator().get_schema(request=None, public=True)
APPLICATION = get_wsgi_application()

anonymous_schema = schemathesis.openapi.from_dict(GENERATED)
anonymous_schema.app = APPLICATION
# The coverage phase already walked every parameter's boundaries anonymously; with a key, random cases suffice.
signed_in_schema = schemathesis.openapi.from_dict(
    signed_in_only(GENERATED),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
signed_in_schema.app = APPLICATION

FUZZING = hypothesis.settings(
    max_examples=RANDOM_CASES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
CHECKS = {"excluded_checks": [positive_data_acceptance], "additional_checks": [valid_data_is_accepted]}
PLAIN = {"Accept-Encoding": "identity"}
"""Answers uncompressed: schemathesis's WSGI transport does not undo the gzip a client that asks for it gets."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The shared small catalog, made once for the module; each operation's writes are rolled back after it."""
    with rows_for_the_module(django_db_blocker):
        with django_db_blocker.unblock():
            build_world()
        yield


@pytest.fixture
def server(world, db, settings):
    """The catalog behind the WSGI app; throttling out of the way (a fuzzer on one address would spend most of its
    requests on 429s); an empty cache, so no answer built on another operation's rolled-back writes is reused; and,
    as in Django's test client, the connection kept open after each request, since the requests run inside the
    test's transaction."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "api_key": "100000/minute"},
    }
    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield "http://testserver"
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def partner_key(server) -> str:
    """A partner key holding every scope, for a partner account of its own."""
    from accounts.tests.api_clients import make_key
    from accounts.tests.factories import UserFactory

    return make_key(UserFactory())[1]


@anonymous_schema.parametrize()
@FUZZING
def test_no_operation_answers_an_anonymous_caller_with_a_5xx_or_off_schema(case, server):
    case.call_and_validate(base_url=server, headers=PLAIN, **CHECKS)


@signed_in_schema.parametrize()
@FUZZING
def test_no_operation_answers_a_partner_key_with_a_5xx_or_off_schema(case, server, partner_key):
    case.call_and_validate(base_url=server, headers={**PLAIN, "Authorization": f"Api-Key {partner_key}"}, **CHECKS)
