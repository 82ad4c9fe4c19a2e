"""The privacy laws LaGiftArt follows, as code: deadlines, consent models and the Global Privacy Control.

Each `Regime` says how long we have to answer a data-subject request (and by how much we may extend it), whether
each non-essential purpose needs an opt-in or allows an opt-out, and whether a browser's `Sec-GPC: 1` counts as an
opt-out of the sale or sharing of personal data. `regime_for_location()` maps a country (and subdivision) to its
regime; `resolve_regime()` decides where a visitor is, in the order documented in docs/compliance.md:

1. the signed-in person's country, from the resolver an app registers with `register_account_location()`;
2. the country the load balancer read from the client address, in the header `COMPLIANCE_GEO_HEADER` names;
3. otherwise DEFAULT, the strictest rules. A UI language is not a place of residence, so it is never used.

The codes match `locales.RegulationRegime` values, so a market's regime and a visitor's regime are the same word.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class ConsentModel(StrEnum):
    """Whether a purpose is off until granted (opt-in) or on until withdrawn (opt-out)."""

    OPT_IN = "opt_in"
    OPT_OUT = "opt_out"


class Purpose(models.TextChoices):
    """The reasons we may process a visitor's data; `necessary` needs no consent, the rest are chosen.

    Code asks about a purpose by this name (`has_consent(request, Purpose.ANALYTICS)`); the ConsentPurpose rows
    hold each one's translated name and description for people.
    """

    NECESSARY = "necessary", _("Necessary")
    ANALYTICS = "analytics", _("Analytics")
    MARKETING = "marketing", _("Marketing")
    PERSONALISATION = "personalisation", _("Personalisation")

    @classmethod
    def optional(cls) -> tuple[Purpose, ...]:
        return tuple(purpose for purpose in cls if purpose is not cls.NECESSARY)

    @property
    def is_sale_or_sharing(self) -> bool:
        """Marketing shares data with ad partners for cross-context advertising: a "sale or sharing" under CCPA."""
        return self is Purpose.MARKETING


@dataclass(frozen=True)
class Period:
    """A legal time limit: calendar months (GDPR's "one month") and days (CCPA's "45 days")."""

    months: int = 0
    days: int = 0

    def after(self, start: date) -> date:
        """The last day of the period that begins on `start`; a month from 31 January ends on 28/29 February."""
        year, month = divmod(start.month - 1 + self.months, 12)
        year, month = start.year + year, month + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days)

    def describe(self) -> str:
        """The period for people, in the active language: "1 month", "45 days"."""
        parts = []
        if self.months:
            parts.append(ngettext("%(count)d month", "%(count)d months", self.months) % {"count": self.months})
        if self.days:
            parts.append(ngettext("%(count)d day", "%(count)d days", self.days) % {"count": self.days})
        return " + ".join(parts)

    def __add__(self, other: Period) -> Period:
        return Period(months=self.months + other.months, days=self.days + other.days)

    def __bool__(self) -> bool:
        return bool(self.months or self.days)


@dataclass(frozen=True)
class Regime:
    code: str
    name: str | Promise
    response: Period
    extension: Period
    consent: Mapping[Purpose, ConsentModel]
    gpc_opts_out_of_sale: bool
    countries: frozenset[str] = field(default_factory=frozenset)

    def consent_model(self, purpose: Purpose | str) -> ConsentModel:
        """How `purpose` is gathered here; a purpose the regime does not name is opt-in, the safe reading."""
        return self.consent.get(Purpose(purpose), ConsentModel.OPT_IN)

    @property
    def asks_first(self) -> bool:
        """Some purpose is opt-in here: nothing beyond the necessary happens before the visitor chooses."""
        return any(self.consent_model(purpose) is ConsentModel.OPT_IN for purpose in Purpose.optional())

    def due_on(self, received: date) -> date:
        """The day an answer to a request received on `received` is due."""
        return self.response.after(received)

    def extended_due_on(self, received: date) -> date | None:
        """The latest day after an extension; None where the law allows no extension."""
        return (self.response + self.extension).after(received) if self.extension else None

    def __str__(self) -> str:
        return str(self.name)


def _everything(model: ConsentModel) -> MappingProxyType:
    return MappingProxyType({purpose: model for purpose in Purpose.optional()})


EU_EEA = frozenset(
    # The 27 member states, then Iceland, Liechtenstein and Norway (EEA).
    {
        *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT"),
        *("LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"),
    }
)

# GDPR art. 12(3): one month, extendable by two further months. Cookies and the like need consent first (ePrivacy).
GDPR = Regime(
    code="gdpr",
    name=_("GDPR (EU/EEA)"),
    response=Period(months=1),
    extension=Period(months=2),
    consent=_everything(ConsentModel.OPT_IN),
    gpc_opts_out_of_sale=False,
    countries=EU_EEA,
)
# UK GDPR art. 12(3) with PECR for cookies: the same shape as the EU's.
UK_GDPR = Regime(
    code="uk_gdpr",
    name=_("UK GDPR"),
    response=Period(months=1),
    extension=Period(months=2),
    consent=_everything(ConsentModel.OPT_IN),
    gpc_opts_out_of_sale=False,
    countries=frozenset({"GB"}),
)
# CCPA/CPRA (Cal. Civ. Code 1798.130, CCPA regs 7021 and 7025): 45 days, extendable by 45; opt-out of sale and
# sharing, and an opt-out preference signal such as GPC must be honored as one.
CCPA = Regime(
    code="ccpa",
    name=_("CCPA/CPRA (California)"),
    response=Period(days=45),
    extension=Period(days=45),
    consent=_everything(ConsentModel.OPT_OUT),
    gpc_opts_out_of_sale=True,
)
# LGPD art. 19 II: a complete answer within 15 days, no extension; the ANPD's cookie guidance asks for consent.
LGPD = Regime(
    code="lgpd",
    name=_("LGPD (Brazil)"),
    response=Period(days=15),
    extension=Period(),
    consent=_everything(ConsentModel.OPT_IN),
    gpc_opts_out_of_sale=False,
    countries=frozenset({"BR"}),
)
# PIPEDA s. 8(3)-(4): 30 days, extendable by 30; implied (opt-out) consent fits non-sensitive uses such as
# first-party analytics and marketing. Quebec's Law 25 asks for more, so QC falls to DEFAULT (see _SUBDIVISIONS).
PIPEDA = Regime(
    code="pipeda",
    name=_("PIPEDA (Canada)"),
    response=Period(days=30),
    extension=Period(days=30),
    consent=_everything(ConsentModel.OPT_OUT),
    gpc_opts_out_of_sale=False,
    countries=frozenset({"CA"}),
)
# APPI art. 33: "without delay", which we hold to 14 days with no extension. First-party analytics and
# personalisation may rely on the notice (opt-out); handing identifiers to ad partners who can link them needs
# consent (art. 31), so marketing is opt-in.
APPI = Regime(
    code="appi",
    name=_("APPI (Japan)"),
    response=Period(days=14),
    extension=Period(),
    consent=MappingProxyType(
        {
            Purpose.ANALYTICS: ConsentModel.OPT_OUT,
            Purpose.MARKETING: ConsentModel.OPT_IN,
            Purpose.PERSONALISATION: ConsentModel.OPT_OUT,
        }
    ),
    gpc_opts_out_of_sale=False,
    countries=frozenset({"JP"}),
)

_NAMED = (GDPR, UK_GDPR, CCPA, LGPD, PIPEDA, APPI)

# Everyone else, and anyone we cannot place: opt-in for every purpose, the shortest deadline any regime sets
# with no extension, and GPC honored as an opt-out.
DEFAULT = Regime(
    code="strictest",
    name=_("Other: the strictest rules apply"),
    # Measured from 1 February, the shortest month, so "one month" never looks shorter than it is.
    response=min((regime.response for regime in _NAMED), key=lambda period: period.after(date(2001, 2, 1))),
    extension=Period(),
    consent=_everything(ConsentModel.OPT_IN),
    gpc_opts_out_of_sale=True,
)

REGIMES: Mapping[str, Regime] = MappingProxyType({regime.code: regime for regime in (*_NAMED, DEFAULT)})

# Subdivisions (ISO 3166-2) whose law differs from their country's.
_SUBDIVISIONS: Mapping[str, Regime] = MappingProxyType({"US-CA": CCPA, "CA-QC": DEFAULT})
_BY_COUNTRY: Mapping[str, Regime] = MappingProxyType(
    {country: regime for regime in _NAMED for country in regime.countries}
)


def get_regime(code: str) -> Regime:
    """The regime stored under `code` (on a request, a market); DEFAULT for a code we no longer know."""
    return REGIMES.get(code, DEFAULT)


@dataclass(frozen=True)
class Location:
    """Where a person is: an ISO 3166-1 alpha-2 country and, when known, an ISO 3166-2 subdivision (US-CA)."""

    country: str
    subdivision: str = ""


def regime_for_location(location: Location | None) -> Regime:
    """The regime protecting someone at `location`; DEFAULT when unknown or not one of the named laws.

    The United States has no federal regime here: California is CCPA, every other state (or an unknown one) is
    DEFAULT, which never gives a visitor less protection than their own state's law.
    """
    if location is None or not location.country:
        return DEFAULT
    country = location.country.upper()
    subdivision = location.subdivision.upper()
    if subdivision in _SUBDIVISIONS and subdivision.startswith(f"{country}-"):
        return _SUBDIVISIONS[subdivision]
    return _BY_COUNTRY.get(country, DEFAULT)


AccountLocationResolver = Callable[[object], Location | None]
_account_location_resolver: AccountLocationResolver | None = None


def register_account_location(resolver: AccountLocationResolver | None) -> None:
    """Let an app say where a signed-in user lives: `resolver(user)` returns a Location or None.

    accounts registers it from its AppConfig.ready() (for example from the user's default address), so compliance
    never imports accounts. Passing None removes it.
    """
    global _account_location_resolver  # one process-wide hook, set once at start-up
    _account_location_resolver = resolver


_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_SUBDIVISION = re.compile(r"^([A-Za-z]{2})-?([A-Za-z0-9]{1,3})$")


def parse_geo_header(value: str) -> Location | None:
    """Read `US`, `US,USCA`, `US,us-ca` or `US,US-CA` (Google's load balancer sends `{client_region},
    {client_region_subdivision}`, the latter a CLDR subdivision id like USCA); None for anything else."""
    country, _sep, subdivision = (part.strip() for part in value.partition(","))
    if not _COUNTRY.match(country):
        return None
    country = country.upper()
    match = _SUBDIVISION.match(subdivision)
    if match and match.group(1).upper() == country:
        return Location(country=country, subdivision=f"{country}-{match.group(2).upper()}")
    return Location(country=country)


def visitor_location(request) -> Location | None:
    """Where the visitor is, by the rule in the module docstring; None when we cannot tell."""
    user = getattr(request, "user", None)
    if _account_location_resolver is not None and user is not None and user.is_authenticated:
        location = _account_location_resolver(user)
        if location is not None and location.country:
            return location
    header = settings.COMPLIANCE_GEO_HEADER
    if header:
        value = request.headers.get(header, "")
        if value:
            return parse_geo_header(value)
    return None


def resolve_regime(request) -> Regime:
    """The regime for this visitor, worked out once per request."""
    regime = getattr(request, "_compliance_regime", None)
    if regime is None:
        regime = regime_for_location(visitor_location(request))
        request._compliance_regime = regime
    return regime
