"""Markets: where artists work and gifts travel from and to, what money they use, and how parcels travel."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from locales.money import Money, fits_minor_units, is_currency_code, minor_units
from locales.validators import (
    subdivision_name,
    validate_currency_code,
    validate_subdivision,
    validate_time_zone,
)


class RegulationRegime(models.TextChoices):
    """The privacy law a market's residents are protected by; compliance holds each regime's rules."""

    GDPR = "gdpr", _("GDPR (EU/EEA)")
    UK_GDPR = "uk_gdpr", _("UK GDPR")
    CCPA = "ccpa", _("CCPA/CPRA (California)")
    LGPD = "lgpd", _("LGPD (Brazil)")
    PIPEDA = "pipeda", _("PIPEDA (Canada)")
    APPI = "appi", _("APPI (Japan)")
    STRICTEST = "strictest", _("Other: the strictest rules apply")


class LocaleQuerySet(models.QuerySet):
    def launched(self):
        """Markets open to buyers; the others are being prepared."""
        return self.filter(launched=True)


class Locale(models.Model):
    """A market: a country, optionally narrowed to a subdivision and a city (North Texas, Ohio, Kyoto, Lyon)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    country = CountryField(_("country"))
    subdivision = models.CharField(
        _("subdivision"),
        max_length=6,
        blank=True,
        validators=[validate_subdivision],
        help_text=_("ISO 3166-2 code, such as US-TX; empty for the whole country."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    default_language = models.CharField(_("default language"), max_length=10, choices=settings.LANGUAGES)
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency_code], help_text=_("ISO 4217 code, such as USD.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, such as America/Chicago."),
    )
    regulation_regime = models.CharField(
        _("privacy regime"), max_length=16, choices=RegulationRegime.choices, default=RegulationRegime.STRICTEST
    )
    launched = models.BooleanField(_("launched"), default=False, help_text=_("Open to buyers on the storefront."))
    introduction = models.TextField(_("cultural introduction"), blank=True)
    hero_image = models.ImageField(_("hero image"), upload_to="markets/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower numbers show first."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LocaleQuerySet.as_manager()

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["position", "slug"]
        indexes = [models.Index(fields=["launched", "position"], name="locale_launched_position")]

    def __str__(self) -> str:
        return self.name or self.slug

    def get_absolute_url(self) -> str:
        return reverse("gifts:market_detail", kwargs={"slug": self.slug})

    @property
    def subdivision_name(self) -> str:
        return subdivision_name(self.subdivision)

    def clean(self):
        super().clean()
        if self.subdivision and self.country and not self.subdivision.startswith(f"{self.country.code}-"):
            raise ValidationError(
                {"subdivision": _("%(code)s does not lie in %(country)s.")},
                params={"code": self.subdivision, "country": self.country.name},
            )


def add_business_days(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


class ExchangeRate(models.Model):
    """Units of `quote` for one unit of `base` on a date. Rows are kept: the latest per pair is the one in use."""

    base = models.CharField(_("base currency"), max_length=3, validators=[validate_currency_code])
    quote = models.CharField(_("quote currency"), max_length=3, validators=[validate_currency_code])
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    as_of = models.DateField(_("as of"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["base", "quote", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "as_of"], name="exchange_rate_one_per_pair_and_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(condition=~Q(base=F("quote")), name="exchange_rate_two_currencies"),
        ]
        indexes = [models.Index(fields=["base", "quote", "-as_of"], name="exchange_rate_latest")]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.as_of.isoformat()})"

    def clean(self):
        super().clean()
        if self.base and self.base == self.quote:
            raise ValidationError(_("A rate links two different currencies."))


class DutiesPayer(models.TextChoices):
    """Who pays import duties and taxes when a parcel on a lane crosses a border."""

    RECIPIENT = "recipient", _("The recipient, on delivery")
    GIVER = "giver", _("The giver, at checkout (estimated)")


class ShippingLaneQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class ShippingLane(models.Model):
    """How parcels travel from an origin market to a destination country, or to one market inside it.

    A lane to a market (Dallas → Ohio) is more specific than a lane to its country (Dallas → United States)
    and wins when the buyer chose that market. Categories the lane may not carry hang on
    `restricted_categories` (declared by gifts.Category, since the catalog depends on markets, not the reverse).
    """

    origin = models.ForeignKey(Locale, on_delete=models.CASCADE, related_name="lanes_out", verbose_name=_("origin"))
    destination_country = CountryField(_("destination country"))
    destination_locale = models.ForeignKey(
        Locale,
        on_delete=models.CASCADE,
        related_name="lanes_in",
        null=True,
        blank=True,
        verbose_name=_("destination market"),
        help_text=_("Empty: the lane serves the whole destination country."),
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    min_days = models.PositiveSmallIntegerField(_("minimum business days"))
    max_days = models.PositiveSmallIntegerField(_("maximum business days"))
    active = models.BooleanField(_("active"), default=True)
    customs_note = models.TextField(_("customs note"), blank=True)
    duties_payer = models.CharField(
        _("duties and import taxes paid by"),
        max_length=10,
        choices=DutiesPayer.choices,
        default=DutiesPayer.RECIPIENT,
        help_text=_("Only for parcels that cross a border; the giver pays an estimate at checkout."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ShippingLaneQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipping lane")
        verbose_name_plural = _("shipping lanes")
        ordering = ["origin__position", "origin__slug", "destination_country"]
        constraints = [
            models.CheckConstraint(condition=Q(min_days__lte=F("max_days")), name="shipping_lane_days_in_order"),
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_lane_price_not_negative"),
            models.UniqueConstraint(
                fields=["origin", "destination_country"],
                condition=Q(destination_locale__isnull=True),
                name="shipping_lane_one_per_country",
            ),
            models.UniqueConstraint(
                fields=["origin", "destination_locale"],
                condition=Q(destination_locale__isnull=False),
                name="shipping_lane_one_per_market",
            ),
        ]
        indexes = [models.Index(fields=["destination_country", "active"], name="shipping_lane_destination")]

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination_label}"

    @property
    def destination_label(self) -> str:
        if self.destination_locale_id:
            return str(self.destination_locale)
        return str(self.destination_country.name)

    @property
    def cost(self) -> Money:
        return Money(self.price, self.currency)

    def delivery_window(self, start: date) -> tuple[date, date]:
        """The first and last likely delivery dates for a parcel sent on `start`, counting business days."""
        return add_business_days(start, self.min_days), add_business_days(start, self.max_days)

    def clean(self):
        super().clean()
        errors = {}
        if self.min_days is not None and self.max_days is not None and self.min_days > self.max_days:
            errors["max_days"] = _("The longest delivery time cannot be shorter than the shortest.")
        if (
            self.destination_locale_id
            and self.destination_country
            and self.destination_locale.country != self.destination_country
        ):
            errors["destination_locale"] = _("The destination market lies in another country.")
        if (
            self.price is not None
            and is_currency_code(self.currency)
            and not fits_minor_units(self.price, self.currency)
        ):
            errors["price"] = _("%(currency)s amounts have at most %(digits)s decimal places.") % {
                "currency": self.currency,
                "digits": minor_units(self.currency),
            }
        if errors:
            raise ValidationError(errors)
