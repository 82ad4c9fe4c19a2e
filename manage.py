#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lagiftart.settings")
    # A fresh git checkout (a clone with no .env yet, CI) runs commands with the local settings unless DJANGO_ENV
    # says otherwise, so `manage.py makemigrations --check` needs no set-up step. Once `make run` has copied .env,
    # it decides. The image has no .git (.dockerignore) and sets DJANGO_ENV=production, as Terraform does for every
    # job, so the production default of lagiftart/settings.py holds there.
    checkout = Path(__file__).resolve().parent
    if (checkout / ".git").exists() and not (checkout / ".env").exists():
        os.environ.setdefault("DJANGO_ENV", "local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
