"""`manage.py enforce_retention [--dry-run]`: the daily retention job (docs/compliance.md, "Retention").

Cloud Scheduler runs it every day as the Cloud Run Job `lagiftart-enforce-retention`; it is idempotent.
"""

from django.core.management.base import BaseCommand

from compliance.retention import enforce_retention


class Command(BaseCommand):
    help = (
        "Delete or pseudonymize personal data past its retention period: expired exports, unconfirmed requests, "
        "stale carts, old activity events, finished task rows, expired sessions, orders past tax retention."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would go; change nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        report = enforce_retention(dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        for category, counts in report["counts"].items():
            done = ", ".join(f"{kind.replace('_', ' ')}: {count}" for kind, count in counts.items())
            self.stdout.write(f"{category}: {done}")
        self.stdout.write(f"Dry run: nothing {verb} changed." if dry_run else "Retention enforced.")
        overdue = report["overdue_requests"]
        self.stdout.write(f"Open data-subject requests past their deadline: {overdue}")
