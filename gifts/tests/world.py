"""A small catalog shared by the catalog and page tests: three markets, three artists, a handful of gifts."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from artists.models import ArtistStatus
from artists.tests.factories import ArtistFactory
from gifts.models import Category, Gift
from gifts.tests.factories import CategoryFactory, GiftFactory, GiftImageFactory
from locales.models import Locale
from locales.tests.factories import ExchangeRateFactory, LocaleFactory, ShippingLaneFactory


@dataclass
class World:
    dallas: Locale
    kyoto: Locale
    lyon: Locale
    bowls: Category
    ceramics: Category
    weaving: Category
    wood: Category
    tea_bowl: Gift
    scarf: Gift
    board: Gift
    draft: Gift
    hidden: Gift


def build_world() -> World:
    now = timezone.now()
    dallas = LocaleFactory(slug="north-texas", name_en="North Texas", name_fr="Nord du Texas")
    kyoto = LocaleFactory(
        slug="kyoto",
        name_en="Kyoto",
        name_ja="京都",
        country="JP",
        subdivision="JP-26",
        city="Kyoto",
        default_language="ja",
        currency="JPY",
        time_zone="Asia/Tokyo",
    )
    lyon = LocaleFactory(
        slug="lyon",
        name_en="Lyon",
        country="FR",
        subdivision="FR-ARA",
        city="Lyon",
        default_language="fr",
        currency="EUR",
        time_zone="Europe/Paris",
    )
    LocaleFactory(slug="scotland", name_en="Scottish Highlands", country="GB", subdivision="", launched=False)
    ExchangeRateFactory(base="USD", quote="EUR", rate=Decimal("0.90"), as_of=date(2026, 11, 23))
    ExchangeRateFactory(base="USD", quote="JPY", rate=Decimal("150"), as_of=date(2026, 11, 20))

    ceramics = CategoryFactory(slug="ceramics", name_en="Ceramics", name_fr="Céramique")
    bowls = CategoryFactory(slug="bowls", name_en="Bowls", name_fr="Bols", parent=ceramics)
    textiles = CategoryFactory(slug="textiles", name_en="Textiles")
    weaving = CategoryFactory(slug="weaving", name_en="Weaving", parent=textiles)
    wood = CategoryFactory(slug="wood", name_en="Wood")

    hana = ArtistFactory(
        slug="hana", display_name="Hana Kobayashi", home_locale=kyoto, craft_en="Kiyomizu ware", craft_ja="清水焼"
    )
    claire = ArtistFactory(
        slug="claire", display_name="Claire Duvernay", home_locale=lyon, craft_en="Silk weaving", craft_fr="Tissage"
    )
    wade = ArtistFactory(slug="wade", display_name="Wade Callahan", home_locale=dallas, craft_en="Mesquite turning")
    suspended = ArtistFactory(slug="gone", display_name="Gone Away", home_locale=dallas, status=ArtistStatus.SUSPENDED)

    tea_bowl = GiftFactory(
        slug="tea-bowl",
        artist=hana,
        category=bowls,
        title_en="Blue Hour tea bowl",
        title_fr="Bol à thé « Heure bleue »",
        title_ja="茶碗「青い時刻」",
        description_en="Thrown on the wheel and painted with enamels.",
        description_fr="Tourné et peint aux émaux.",
        story_en="Potters have worked below the temple since the 1600s.",
        price=Decimal("18000"),
        popularity=5,
        featured=True,
        published_at=now - timedelta(days=3),
    )
    scarf = GiftFactory(
        slug="silk-scarf",
        artist=claire,
        category=weaving,
        title_en="River Light silk scarf",
        title_fr="Carré de soie « Lumière du fleuve »",
        description_en="Woven on a Jacquard loom.",
        price=Decimal("90.00"),
        popularity=50,
        published_at=now - timedelta(days=1),
    )
    board = GiftFactory(
        slug="mesquite-board",
        artist=wade,
        category=wood,
        title_en="Cedar Smoke serving board",
        description_en="Turned from salvaged mesquite.",
        price=Decimal("40.00"),
        popularity=20,
        published_at=now - timedelta(days=2),
    )
    draft = GiftFactory(slug="draft", artist=wade, category=wood, title_en="Unfinished bowl", published=False)
    hidden = GiftFactory(slug="hidden", artist=suspended, category=wood, title_en="Hidden bowl")
    for gift in (tea_bowl, scarf, board):
        GiftImageFactory(gift=gift)

    ShippingLaneFactory(origin=kyoto, destination_country="FR", price=Decimal("4200"), min_days=6, max_days=12)
    ShippingLaneFactory(origin=lyon, destination_country="FR", price=Decimal("7.50"), min_days=2, max_days=5)
    ShippingLaneFactory(origin=dallas, destination_country="FR", active=False)
    restricted = ShippingLaneFactory(
        origin=dallas, destination_country="AU", customs_note_en="Wood needs a fumigation certificate."
    )
    wood.restricted_lanes.add(restricted)
    ShippingLaneFactory(origin=kyoto, destination_country="AU", price=Decimal("3900"))
    ShippingLaneFactory(origin=dallas, destination_country="US", price=Decimal("9.00"), min_days=2, max_days=5)
    return World(dallas, kyoto, lyon, bowls, ceramics, weaving, wood, tea_bowl, scarf, board, draft, hidden)
