"""Loaded by pytest (`-p lagiftart.pytest_plugin`) before pytest-django reads the settings.

Tests run as `DJANGO_ENV=test` and ignore a developer's `.env`, so the suite behaves the same on every machine.
"""

import os

os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("DJANGO_READ_DOT_ENV", "false")
