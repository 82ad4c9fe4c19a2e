"""`manage.py import_rates`: good files load, bad lines are reported by number and nothing is half-imported."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from locales.models import ExchangeRate
from locales.tests.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db


def rates_file(tmp_path, text: str):
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_rates", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_adds_rates_and_replaces_the_same_day(tmp_path):
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.9"), as_of=date(2026, 11, 24))
    path = rates_file(tmp_path, "base,quote,rate,as_of\nUSD,EUR,0.92,2026-11-24\nusd,jpy,151.2,2026-11-24\n")
    out, _err = run(path)
    assert "1 rates added, 1 replaced." in out
    assert ExchangeRate.objects.get(base="USD", quote="EUR", as_of=date(2026, 11, 24)).rate == Decimal("0.92")
    assert ExchangeRate.objects.get(base="USD", quote="JPY").rate == Decimal("151.2")


def test_a_dry_run_writes_nothing(tmp_path):
    out, _err = run(rates_file(tmp_path, "base,quote,rate,as_of\nUSD,EUR,0.92,2026-11-24\n"), "--dry-run")
    assert "1 rates are valid; dry run" in out
    assert not ExchangeRate.objects.exists()


def test_each_bad_line_is_reported_by_number_and_nothing_is_written(tmp_path):
    path = rates_file(
        tmp_path,
        "base,quote,rate,as_of\n"
        "USD,EUR,0.92,2026-11-24\n"
        "USD,XXQ,1.1,2026-11-24\n"
        "USD,USD,1,2026-11-24\n"
        "USD,GBP,-3,2026-11-24\n"
        "USD,MXN,18.1,24/11/2026\n"
        "USD,EUR,0.93,2026-11-24\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"5 problems .* nothing was imported"):
        call_command("import_rates", path, stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert "line 3: quote 'XXQ' is not an ISO 4217 currency code" in report
    assert "line 4: base and quote are the same currency" in report
    assert "line 5: rate '-3' is not a positive number" in report
    assert "line 6: as_of '24/11/2026' is not a date" in report
    assert "USD/EUR on 2026-11-24 appears twice" in report
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [("base,quote,rate\nUSD,EUR,1\n", "missing as_of"), ("base,quote,rate,as_of\n", "has no rates")],
)
def test_a_file_with_the_wrong_shape_is_refused(tmp_path, text, message):
    with pytest.raises(CommandError, match=message):
        run(rates_file(tmp_path, text))


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        run(str(tmp_path / "nope.csv"))
