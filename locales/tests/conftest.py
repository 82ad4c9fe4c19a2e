import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Market hero images tests write go to a temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
    }
