"""`manage.py import_rates FILE.csv [--dry-run]`: load exchange rates from a CSV file.

The file has a header row `base,quote,rate,as_of` (ISO 4217 codes, a positive decimal, an ISO date). Each line is
checked first and every bad line is reported with its number; if any line is bad nothing is written, so a rerun
after fixing the file never leaves half an import behind. A rate already stored for the same pair and day is
replaced. `--dry-run` checks and reports without writing.
"""

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from locales.models import ExchangeRate
from locales.validators import validate_currency_code

COLUMNS = ("base", "quote", "rate", "as_of")


@dataclass(frozen=True)
class RateLine:
    base: str
    quote: str
    rate: Decimal
    as_of: date


def parse_line(row: dict) -> RateLine:
    """One CSV row as a rate, or ValueError with a message saying what is wrong."""
    base, quote = (row.get(column, "").strip().upper() for column in ("base", "quote"))
    problems = []
    for column, code in (("base", base), ("quote", quote)):
        try:
            validate_currency_code(code)
        except ValidationError:
            problems.append(f"{column} {code!r} is not an ISO 4217 currency code")
    if base and base == quote:
        problems.append("base and quote are the same currency")
    try:
        rate = Decimal(row.get("rate", "").strip())
        if not rate.is_finite() or rate <= 0:
            raise InvalidOperation
        if rate.as_tuple().exponent < -10 or rate.adjusted() >= 10:
            problems.append(f"rate {rate} has more than 10 digits before or after the point")
    except InvalidOperation:
        problems.append(f"rate {row.get('rate', '')!r} is not a positive number")
        rate = None
    try:
        as_of = date.fromisoformat(row.get("as_of", "").strip())
    except ValueError:
        problems.append(f"as_of {row.get('as_of', '')!r} is not a date like 2026-11-24")
        as_of = None
    if problems:
        raise ValueError("; ".join(problems))
    return RateLine(base, quote, rate, as_of)


class Command(BaseCommand):
    help = "Import exchange rates from a CSV file with the columns base,quote,rate,as_of."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with a header row: base,quote,rate,as_of")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, file, dry_run, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(
                        f"{file}: the header must name {', '.join(COLUMNS)}; missing {', '.join(missing)}."
                    )
                lines, errors = [], []
                for row in reader:
                    try:
                        lines.append(parse_line(row))
                    except ValueError as error:
                        errors.append(f"line {reader.line_num}: {error}")
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{file}: cannot read the file ({error}).") from error

        seen = {}
        for number, line in enumerate(lines):
            key = (line.base, line.quote, line.as_of)
            if key in seen:
                errors.append(f"{line.base}/{line.quote} on {line.as_of} appears twice")
            seen[key] = number
        for error in errors:
            self.stderr.write(error)
        if errors:
            raise CommandError(f"{len(errors)} problems in {file}; nothing was imported.")
        if not lines:
            raise CommandError(f"{file} has no rates.")

        if dry_run:
            self.stdout.write(f"{len(lines)} rates are valid; dry run, nothing was written.")
            return
        created = updated = 0
        with transaction.atomic():
            for line in lines:
                _rate, was_created = ExchangeRate.objects.update_or_create(
                    base=line.base, quote=line.quote, as_of=line.as_of, defaults={"rate": line.rate}
                )
                created += was_created
                updated += not was_created
        self.stdout.write(self.style.SUCCESS(f"{created} rates added, {updated} replaced."))
