"""`manage.py export_events --since 2026-01-01 --until 2026-02-01 > events.ndjson`: a BigQuery backfill.

One JSON object per line, the columns of analytics/bigquery/activity_events.schema.json, ready for
`bq load --source_format=NEWLINE_DELIMITED_JSON`. `--until` is exclusive, dates are UTC days.
"""

import json
from datetime import UTC, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from analytics.events import event_row
from analytics.models import ActivityEvent


def _day(value: str, option: str) -> datetime:
    day = parse_date(value or "")
    if day is None:
        raise CommandError(f"{option} must be a date such as 2026-01-31, not {value!r}.")
    return datetime.combine(day, time.min, tzinfo=UTC)


class Command(BaseCommand):
    help = "Write activity events from --since (inclusive) to --until (exclusive) as NDJSON for bq load."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="First UTC day, YYYY-MM-DD.")
        parser.add_argument("--until", required=True, help="UTC day after the last one, YYYY-MM-DD.")
        parser.add_argument("--output", help="File to write; standard output when omitted.")

    def handle(self, *args, since, until, output=None, **options):
        start, end = _day(since, "--since"), _day(until, "--until")
        if end <= start:
            raise CommandError("--until must be after --since.")
        events = ActivityEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end).order_by("occurred_at", "id")
        stream = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        count = 0
        try:
            for event in events.iterator(chunk_size=5000):
                stream.write(json.dumps(event_row(event), ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        finally:
            if output:
                stream.close()
        self.stderr.write(f"{count} events written.")
