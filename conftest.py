"""Project-wide test fixtures."""

import pytest


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin client, signed in the way the back office requires: with a second factor."""
    from django.test import Client

    from accounts.tests.backoffice import sign_in_with_mfa

    return sign_in_with_mfa(Client(), admin_user)


@pytest.fixture(scope="session", autouse=True)
def static_files_listed_once():
    """WhiteNoise lists every static file (through the finders, locally) each time a middleware chain is built, and
    Django's test Client builds one per client: about a tenth of a second per test that makes a request. List them
    once per run and per static settings; the files do not change while the tests run."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            self.max_age,
            str(settings.STATIC_ROOT),
            tuple(map(str, settings.STATICFILES_DIRS)),
            tuple(settings.STATICFILES_FINDERS),
        )
        if key not in listed:
            files, self.files = self.files, {}
            try:
                list_files(self)
                listed[key] = self.files
            finally:
                self.files = {**files, **self.files}
            return
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = list_files
