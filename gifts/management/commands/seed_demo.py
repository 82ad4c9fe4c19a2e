"""Load demo data for local use. Idempotent: running it twice leaves the same rows."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_GIVER_EMAIL = "giver@lagiftart.example"
DEMO_PASSWORD = "demo-gift-2026"  # noqa: S105 - a documented local demo account, never created in production


class Command(BaseCommand):
    help = "Create LaGiftArt demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        giver, created = User.objects.get_or_create(
            email=DEMO_GIVER_EMAIL, defaults={"full_name": "Dana Rivera", "preferred_language": "en"}
        )
        if created:
            giver.set_password(DEMO_PASSWORD)
            giver.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=giver, email=DEMO_GIVER_EMAIL, defaults={"verified": True, "primary": True}
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in as {DEMO_GIVER_EMAIL} / {DEMO_PASSWORD}"))
