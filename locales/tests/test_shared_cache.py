"""`{% sharedcache %}`: a fragment rendered once per key, nothing stored without a key, each visitor's own token."""

import threading
import time

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template import Context, Template, TemplateSyntaxError
from django.template.context import RequestContext
from django.test import RequestFactory

from locales.templatetags import shared_cache
from locales.templatetags.shared_cache import csrf_placeholder


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


FRAGMENT = Template("{% load shared_cache %}{% sharedcache 60 greeting key %}Hello {{ who }}{% endsharedcache %}")
FORM = Template(
    "{% load shared_cache %}{% sharedcache 60 form key %}<form method=post>{% csrf_token %}"
    "<b data-token='{{ csrf_token }}'></b></form>{% endsharedcache %}"
)


def test_a_fragment_with_a_key_is_rendered_once_and_shared():
    assert FRAGMENT.render(Context({"key": "en", "who": "Ana"})) == "Hello Ana"
    assert FRAGMENT.render(Context({"key": "en", "who": "Bo"})) == "Hello Ana"
    assert FRAGMENT.render(Context({"key": "fr", "who": "Bo"})) == "Hello Bo", "another key, another fragment"


@pytest.mark.parametrize("key", ["", None])
def test_without_a_key_nothing_is_stored_and_every_render_is_fresh(key):
    assert FRAGMENT.render(Context({"key": key, "who": "Ana"})) == "Hello Ana"
    assert FRAGMENT.render(Context({"key": key, "who": "Bo"})) == "Hello Bo"


def test_each_request_gets_its_own_csrf_token_in_a_shared_form():
    factory = RequestFactory()
    first, second = factory.get("/"), factory.get("/")

    one = FORM.render(RequestContext(first, {"key": "k"}))
    two = FORM.render(RequestContext(second, {"key": "k"}))

    assert one != two
    for request, page in ((first, one), (second, two)):
        token = request.META["CSRF_COOKIE"]
        assert 'name="csrfmiddlewaretoken" value="' in page
        assert csrf_placeholder()[0] not in page
        assert token not in page, "the masked token is shown, never the secret"
    stored, _fresh_until = cache.get(make_template_fragment_key("shared:form", ["k"]))
    assert csrf_placeholder()[0] in stored, "the stored fragment holds the placeholder, never a visitor's token"


def test_a_shared_form_rendered_where_csrf_is_off_carries_no_token():
    page = FORM.render(Context({"key": "k", "csrf_token": "NOTPROVIDED"}))
    assert page == "<form method=post><b data-token=''></b></form>"


def test_a_fragment_without_a_form_makes_no_csrf_token():
    request = RequestFactory().get("/")
    FRAGMENT.render(RequestContext(request, {"key": "k", "who": "Ana"}))
    assert "CSRF_COOKIE" not in request.META, "no token, so no CSRF cookie, for a page without a form"


def test_the_tag_needs_a_timeout_a_name_and_a_key():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load shared_cache %}{% sharedcache 60 name %}x{% endsharedcache %}")


def test_a_timeout_that_is_not_a_number_is_a_template_error():
    template = Template("{% load shared_cache %}{% sharedcache 'soon' name key %}x{% endsharedcache %}")
    with pytest.raises(TemplateSyntaxError):
        template.render(Context({"key": "k"}))


class Clock:
    """`time.time` as the tag sees it, moved by hand."""

    def __init__(self, monkeypatch):
        self.now = time.time()
        monkeypatch.setattr(shared_cache.time, "time", lambda: self.now)


def test_an_expired_fragment_is_rendered_again_by_the_request_that_finds_it(monkeypatch):
    clock = Clock(monkeypatch)
    assert FRAGMENT.render(Context({"key": "en", "who": "Ana"})) == "Hello Ana"
    clock.now += 59
    assert FRAGMENT.render(Context({"key": "en", "who": "Bo"})) == "Hello Ana", "still fresh"

    clock.now += 2

    assert FRAGMENT.render(Context({"key": "en", "who": "Bo"})) == "Hello Bo"
    assert FRAGMENT.render(Context({"key": "en", "who": "Cy"})) == "Hello Bo", "and fresh again for a minute"


def test_while_one_request_renews_an_expired_fragment_the_others_get_the_previous_copy(monkeypatch):
    clock = Clock(monkeypatch)
    FRAGMENT.render(Context({"key": "en", "who": "Ana"}))
    clock.now += 61
    key = make_template_fragment_key("shared:greeting", ["en"])

    with shared_cache._render_lock(key):  # another request is renewing it
        assert FRAGMENT.render(Context({"key": "en", "who": "Bo"})) == "Hello Ana"

    assert FRAGMENT.render(Context({"key": "en", "who": "Bo"})) == "Hello Bo"


class WatchedLock:
    """A render lock that counts the requests waiting on it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrived = threading.Semaphore(0)

    def __enter__(self):
        self.arrived.release()
        self.lock.acquire()

    def __exit__(self, *exc):
        self.lock.release()


def test_a_missing_fragment_is_rendered_once_while_other_requests_wait_for_it(monkeypatch):
    renders = []

    class Who:
        def __str__(self):
            renders.append(1)
            return "Ana"

    key = make_template_fragment_key("shared:greeting", ["en"])
    watched = WatchedLock()
    monkeypatch.setattr(shared_cache, "_render_lock", lambda _key: watched)
    watched.lock.acquire()  # the first request is rendering it
    results = []
    waiting = [
        threading.Thread(target=lambda: results.append(FRAGMENT.render(Context({"key": "en", "who": Who()}))))
        for _ in range(3)
    ]
    for thread in waiting:
        thread.start()
    for _ in waiting:
        assert watched.arrived.acquire(timeout=10), "each request found the fragment missing and waits"
    cache.set(key, ("Hello from the first", time.time() + 60), 120)
    watched.lock.release()
    for thread in waiting:
        thread.join(10)

    assert results == ["Hello from the first"] * 3, "they read the first request's copy"
    assert renders == [], "and none rendered it again"
