"""Loaded by pytest (`-p lagiftart.pytest_plugin`) before pytest-django reads the settings.

Tests run as `DJANGO_ENV=test` and ignore a developer's `.env`, so the suite behaves the same on every machine.
"""

import os

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("DJANGO_READ_DOT_ENV", "false")


import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: cached pages and reference data never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English, whatever language an earlier test left active in this thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return transactional or bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back what migrations wrote (roles, consent purposes, permissions) after a test that flushed the database.

    Django flushes the database after a transactional test, which also removes rows that data migrations created;
    the tests after it, in whatever order xdist hands them out, expect those rows. The transactional tests are
    marked `serialized_rollback=True`, so Django keeps a snapshot of the migrated database to restore from.
    """
    yield
    # After the session's last test the test database is already gone: there is nothing left to restore for.
    if nextitem is None or not _flushes_the_database(item):
        return
    from django.db import connections

    blocker = item.config.stash.get(_blocker_key(), None)
    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            with blocker.unblock() if blocker else _nullcontext():
                connection.creation.deserialize_db_from_string(contents)


def _blocker_key():
    from pytest_django.plugin import blocking_manager_key

    return blocking_manager_key


def _nullcontext():
    import contextlib

    return contextlib.nullcontext()
