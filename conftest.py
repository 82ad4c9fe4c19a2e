"""Project-wide test fixtures."""

import pytest


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin client, signed in the way the back office requires: with a second factor."""
    from django.test import Client

    from accounts.tests.backoffice import sign_in_with_mfa

    return sign_in_with_mfa(Client(), admin_user)
