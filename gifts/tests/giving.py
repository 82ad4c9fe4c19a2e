"""Data for the giving tests: a giver in Ohio, a potter in Oaxaca, a weaver in Lyon, a potter in Kyoto, and lanes
to France. Built on the catalog world, so the storefront and checkout tests speak of the same places."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.tests.factories import UserFactory
from artists.tests.factories import ArtistFactory
from gifts.checkout import Recipient
from gifts.models import Cart, CartLine, DutyRule, Gift
from gifts.payments import TEST_CARD_PAID
from gifts.tests.factories import CategoryFactory, GiftFactory, GiftImageFactory
from gifts.tests.world import World, build_world
from locales.models import DutiesPayer, Locale, ShippingLane
from locales.selectors import Destination
from locales.tests.factories import ExchangeRateFactory, LocaleFactory, ShippingLaneFactory

LYON_ADDRESS = {
    "recipient_name": "Claire Martin",
    "country": "FR",
    "street_address_1": "12 rue de la République",
    "city": "Lyon",
    "postal_code": "69002",
}

API_RECIPIENT = {
    "name": "Claire Martin",
    "street_address_1": "12 rue de la République",
    "city": "Lyon",
    "postal_code": "69002",
    "language": "fr",
}
"""The recipient in Lyon as `POST /api/v1/checkout/` takes it."""


def api_checkout_body(**overrides) -> dict:
    """A `POST /api/v1/checkout/` body that goes through: to Lyon, in euros, paid with the test card that always
    succeeds; `overrides` replace top-level fields."""
    return {
        "destination": "lyon",
        "currency": "EUR",
        "recipient": dict(API_RECIPIENT),
        "reveal_giver": False,
        "payment_token": TEST_CARD_PAID,
        **overrides,
    }


@dataclass
class GivingWorld:
    catalog: World
    ohio: Locale
    oaxaca: Locale
    alebrije: Gift
    oaxaca_to_france: ShippingLane
    kyoto_to_france: ShippingLane
    giver: object

    @property
    def lyon(self) -> Locale:
        return self.catalog.lyon

    @property
    def tea_bowl(self) -> Gift:
        return self.catalog.tea_bowl

    @property
    def scarf(self) -> Gift:
        return self.catalog.scarf


def build_giving_world() -> GivingWorld:
    catalog = build_world()
    ohio = LocaleFactory(
        slug="ohio", name_en="Ohio", subdivision="US-OH", city="Columbus", time_zone="America/New_York"
    )
    oaxaca = LocaleFactory(
        slug="oaxaca",
        name_en="Oaxaca",
        name_fr="Oaxaca",
        country="MX",
        subdivision="MX-OAX",
        city="Oaxaca",
        default_language="es",
        currency="MXN",
        time_zone="America/Mexico_City",
        introduction_en="Valleys of wood carvers and black-clay potters.",
        introduction_fr="Des vallées de sculpteurs sur bois et de potiers de barro negro.",
    )
    ExchangeRateFactory(base="USD", quote="MXN", rate=Decimal("18"), as_of=date(2026, 11, 22))
    carvers = CategoryFactory(slug="carvings", name_en="Carvings", name_fr="Sculptures", hs_code="442090")
    catalog.ceramics.hs_code = "691390"
    catalog.ceramics.save(update_fields=["hs_code"])
    jacobo = ArtistFactory(
        slug="jacobo", display_name="Jacobo Ángeles", home_locale=oaxaca, craft_en="Alebrijes", craft_fr="Alebrijes"
    )
    alebrije = GiftFactory(
        slug="alebrije-jaguar",
        artist=jacobo,
        category=carvers,
        title_en="Jaguar alebrije",
        title_fr="Alebrije jaguar",
        story_en="Carved from copal wood and painted with Zapotec patterns.",
        story_fr="Sculpté dans le bois de copal et peint de motifs zapotèques.",
        price=Decimal("1800.00"),
        stock=3,
    )
    GiftImageFactory(gift=alebrije)
    oaxaca_to_france = ShippingLaneFactory(
        origin=oaxaca, destination_country="FR", price=Decimal("450.00"), min_days=7, max_days=14
    )
    kyoto_to_france = ShippingLane.objects.get(origin=catalog.kyoto, destination_country="FR")
    kyoto_to_france.duties_payer = DutiesPayer.GIVER
    kyoto_to_france.save(update_fields=["duties_payer"])
    DutyRule.objects.create(country="FR", rate=Decimal("0.2"), gift_exemption_threshold=Decimal("45"), currency="EUR")
    giver = UserFactory(email="ohio.giver@example.com", full_name="Sam Rivera", preferred_language="en")
    return GivingWorld(catalog, ohio, oaxaca, alebrije, oaxaca_to_france, kyoto_to_france, giver)


def cart_with(user, *pairs) -> Cart:
    """A cart for `user` (None: a visitor's) holding (gift, quantity) pairs."""
    cart = Cart.objects.create(user=user)
    for gift, quantity in pairs:
        CartLine.objects.create(cart=cart, gift=gift, quantity=quantity)
    return cart


def lyon_recipient(**overrides) -> Recipient:
    values = {
        "name": "Claire Martin",
        "country": "FR",
        "street_address_1": "12 rue de la République",
        "city": "Lyon",
        "postal_code": "69002",
        "language": "fr",
    }
    values.update(overrides)
    return Recipient(**values)


def to_lyon(world: GivingWorld) -> Destination:
    return Destination(country="FR", locale=world.lyon)
