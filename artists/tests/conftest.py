import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Portfolio pictures tests upload go to a temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
    }


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()
