"""Loaded by pytest (`-p lagiftart.pytest_plugin`) before pytest-django reads the settings: tests run as 'test'."""

import os

os.environ.setdefault("DJANGO_ENV", "test")
