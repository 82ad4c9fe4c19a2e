"""`manage.py prune_events`: delete activity events and Web Vitals samples older than ANALYTICS_RETENTION_DAYS.

Idempotent; Cloud Scheduler runs it daily as a Cloud Run Job (docs/operations.md).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from analytics.events import retention_days
from analytics.models import ActivityEvent, WebVitalSample


class Command(BaseCommand):
    help = "Delete analytics data older than ANALYTICS_RETENTION_DAYS."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=retention_days())
        events, _ = ActivityEvent.objects.filter(occurred_at__lt=cutoff).delete()
        vitals, _ = WebVitalSample.objects.filter(recorded_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {events} events and {vitals} Web Vitals samples older than {cutoff:%Y-%m-%d}.")
