from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from locales.money import (
    ROUND_HALF_UP,
    ROUNDING,
    Money,
    MoneyError,
    Rate,
    RateTable,
    fits_minor_units,
    format_money,
    minor_units,
    parse_amount,
    round_amount,
)

NNBSP = "\u202f"  # narrow no-break space: French groups thousands with it
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        ("1234.5", "EUR", "de", f"1.234,50{NBSP}€"),
        ("1234.5", "EUR", "fr", f"1{NNBSP}234,50{NBSP}€"),
        ("1234", "JPY", "ja", "￥1,234"),
        ("1234.5", "USD", "en", "$1,234.50"),
        ("12345.5", "EUR", "es", f"12.345,50{NBSP}€"),
        ("1234.5", "BRL", "pt-br", f"R${NBSP}1.234,50"),
        ("1234.5", "USD", "pt-br", f"US${NBSP}1.234,50"),
        ("1234.5", "JPY", "en", "¥1,235"),
        ("1.2345", "KWD", "en", "KWD1.235"),
        ("0.5", "USD", "en", "$0.50"),
    ],
)
def test_money_reads_as_a_reader_of_the_language_expects(amount, currency, language, expected):
    assert format_money(Money(Decimal(amount), currency), language) == expected


def test_formatting_follows_the_active_language_when_none_is_given():
    with translation.override("de"):
        assert str(Money(Decimal("1234.5"), "EUR")) == f"1.234,50{NBSP}€"
    with translation.override("ja"):
        assert Money(Decimal("1234"), "JPY").format() == "￥1,234"


@pytest.mark.parametrize(("currency", "digits"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3)])
def test_each_currency_has_its_own_minor_units(currency, digits):
    assert minor_units(currency) == digits


def test_the_one_rounding_rule_rounds_half_a_minor_unit_up():
    assert ROUNDING == ROUND_HALF_UP
    assert round_amount(Decimal("2.345"), "USD") == Decimal("2.35")
    assert round_amount(Decimal("2.344"), "USD") == Decimal("2.34")
    assert round_amount(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert round_amount(Decimal("1.2345"), "KWD") == Decimal("1.235")


def test_an_amount_fits_a_currency_only_without_rounding():
    assert fits_minor_units(Decimal("12.50"), "USD")
    assert not fits_minor_units(Decimal("12.5"), "JPY")
    assert fits_minor_units(Decimal("1200"), "JPY")


def test_conversion_rounds_to_the_target_currency():
    assert Money(Decimal("10"), "USD").convert("JPY", Decimal("152.85")) == Money(Decimal("1529"), "JPY")
    assert Money(Decimal("10"), "USD").convert("EUR", Decimal("0.92155")) == Money(Decimal("9.22"), "EUR")


def test_money_refuses_floats_unknown_currencies_and_non_numbers():
    with pytest.raises(MoneyError):
        Money(1.1, "USD")
    with pytest.raises(MoneyError):
        Money(Decimal("1"), "ABC")
    with pytest.raises(MoneyError):
        Money(Decimal("1"), "usd")
    with pytest.raises(MoneyError):
        Money("twelve", "USD")
    with pytest.raises(MoneyError):
        Money(Decimal("NaN"), "USD")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", Decimal("12")),
        (" 12.50 ", Decimal("12.50")),
        ("12,50", Decimal("12.50")),
        ("", None),
        (None, None),
        ("abc", None),
        ("-5", None),
        ("1e999", None),
        ("NaN", None),
        ("Infinity", None),
    ],
)
def test_typed_prices_are_read_or_rejected(text, expected):
    assert parse_amount(text) == expected


def test_rate_table_converts_directly_inverted_and_through_a_pivot():
    table = RateTable(
        [
            Rate("USD", "EUR", Decimal("0.9"), date(2026, 11, 20)),
            Rate("USD", "JPY", Decimal("150"), date(2026, 11, 23)),
        ]
    )
    direct = table.convert(Money(Decimal("10"), "USD"), "EUR")
    assert direct.money == Money(Decimal("9.00"), "EUR")
    assert direct.as_of == date(2026, 11, 20)

    inverted = table.convert(Money(Decimal("9"), "EUR"), "USD")
    assert inverted.money == Money(Decimal("10.00"), "USD")

    crossed = table.convert(Money(Decimal("9"), "EUR"), "JPY")
    assert crossed.money == Money(Decimal("1500"), "JPY")
    # A conversion through two rates is only as fresh as the older one.
    assert crossed.as_of == date(2026, 11, 20)


def test_rate_table_says_when_it_cannot_convert():
    table = RateTable([Rate("USD", "EUR", Decimal("0.9"), date(2026, 11, 20))])
    assert table.convert(Money(Decimal("10"), "USD"), "BRL") is None
    assert RateTable().convert(Money(Decimal("10"), "USD"), "EUR") is None
