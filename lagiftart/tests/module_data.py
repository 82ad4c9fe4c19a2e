"""Rows that every test of a module reads, made once for the module instead of once per test.

Building a catalog, a giver with a paid order and a privacy request costs a few hundred milliseconds; a module of
fifty tests that only read them paid that fifty times. Here they are made inside a transaction held open for the
module and rolled back after its last test. Each test still runs in its own savepoint (pytest-django's `db`), so
whatever a test writes is undone as before. Only for rows the tests do not change in memory: the Python objects are
shared too.
"""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction


@contextmanager
def rows_for_the_module(django_db_blocker):
    """Hold a transaction open around the module's tests; build the shared rows inside `django_db_blocker.unblock()`."""
    with django_db_blocker.unblock():
        held = transaction.atomic()
        held.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            held.__exit__(None, None, None)
            cache.clear()
