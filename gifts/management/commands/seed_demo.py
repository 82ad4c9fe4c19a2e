"""Load demo data for local use. Idempotent: running it twice leaves the same rows.

Markets, exchange rates, shipping lanes, categories, 15 approved artists (and one applicant in review), 80 public
gifts with pictures drawn locally by Pillow, and the demo giver. `--scale N` adds N more gifts for benchmarks,
reusing the demo pictures, in bulk.
"""

import random
import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from artists.models import Artist, ArtistStatus
from artists.services import change_artist_status
from gifts import demo_art
from gifts import demo_data as data
from gifts.models import Category, Gift, GiftImage
from gifts.services import add_gift_image
from locales.models import ExchangeRate, Locale, ShippingLane

DEMO_GIVER_EMAIL = "giver@lagiftart.example"
DEMO_PASSWORD = "demo-gift-2026"  # noqa: S105 - a documented local demo account, never created in production
DEMO_GIFT_COUNT = 80
FEATURED_COUNT = 8
BENCH_PREFIX = "bench-"
BENCH_BATCH = 1000
FIRST_PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def translated(field: str, texts: dict[str, str]) -> dict[str, str]:
    """Model field values for each language: {"name_en": ..., "name_pt_br": ...}."""
    return {f"{field}_{language.replace('-', '_')}": text for language, text in texts.items()}


def stable_seed(text: str) -> int:
    return zlib.crc32(text.encode())


def nice_price(rng: random.Random, currency: str) -> Decimal:
    """A price a maker would write on a tag: whole units, tens of pesos, hundreds of yen."""
    low, high = data.PRICE_RANGES[currency]
    raw = low + (high - low) * Decimal(str(round(rng.random() ** 2, 4)))
    step = {"JPY": Decimal(100), "MXN": Decimal(10)}.get(currency, Decimal(1))
    return max(step, (raw / step).quantize(Decimal(1)) * step)


class Command(BaseCommand):
    help = "Create LaGiftArt demo data (idempotent); --scale N adds N benchmark gifts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=0, metavar="N", help="Also make N benchmark gifts (bulk, for load tests)."
        )

    def handle(self, *args, scale: int = 0, **options):
        if scale < 0:
            raise CommandError("--scale takes a number of gifts, 0 or more.")
        with transaction.atomic():
            self.seed_giver()
            markets = self.seed_markets()
            self.seed_rates()
            categories = self.seed_categories()
            self.seed_lanes(markets, categories)
            artists = self.seed_artists(markets)
            gifts = self.seed_gifts(artists, categories)
        # Pictures are files: drawn outside the transaction so a failure leaves no half-written rows behind.
        self.seed_market_pictures(markets)
        drawn = self.seed_gift_pictures(gifts)
        made = self.seed_bench_gifts(scale) if scale else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(markets)} markets, {len(artists)} artists, {len(gifts)} gifts "
                f"({drawn} new pictures), {made} new benchmark gifts. "
                f"Log in as {DEMO_GIVER_EMAIL} / {DEMO_PASSWORD}"
            )
        )

    def seed_giver(self):
        User = get_user_model()
        giver, created = User.objects.get_or_create(
            email=DEMO_GIVER_EMAIL, defaults={"full_name": "Dana Rivera", "preferred_language": "en"}
        )
        if created:
            giver.set_password(DEMO_PASSWORD)
            giver.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=giver, email=DEMO_GIVER_EMAIL, defaults={"verified": True, "primary": True}
        )

    def seed_markets(self) -> dict[str, Locale]:
        markets = {}
        for position, market in enumerate(data.MARKETS):
            markets[market["slug"]], _created = Locale.objects.update_or_create(
                slug=market["slug"],
                defaults={
                    **translated("name", market["name"]),
                    **translated("introduction", market["intro"]),
                    "country": market["country"],
                    "subdivision": market["subdivision"],
                    "city": market["city"],
                    "default_language": market["language"],
                    "currency": market["currency"],
                    "time_zone": market["time_zone"],
                    "regulation_regime": market["regime"],
                    "launched": market.get("launched", True),
                    "position": position,
                },
            )
        return markets

    def seed_rates(self):
        for quote, rates in data.USD_RATES.items():
            for as_of, rate in zip(data.RATE_DATES, rates, strict=True):
                ExchangeRate.objects.update_or_create(base="USD", quote=quote, as_of=as_of, defaults={"rate": rate})

    def seed_categories(self) -> dict[str, Category]:
        categories = {}
        for position, (slug, parent, names) in enumerate(data.CATEGORIES):
            categories[slug], _created = Category.objects.update_or_create(
                slug=slug,
                defaults={**translated("name", names), "parent": categories.get(parent), "position": position},
            )
        return categories

    def seed_lanes(self, markets: dict[str, Locale], categories: dict[str, Category]):
        launched = [market for market in markets.values() if market.launched]
        countries = sorted({market.country.code for market in launched} | set(data.EXTRA_COUNTRIES))
        for origin in launched:
            rng = random.Random(stable_seed(origin.slug))  # noqa: S311 - demo data, not secrets
            for country in countries:
                if (origin.slug, country) in data.MISSING_LANES:
                    continue
                domestic = country == origin.country.code
                price = (data.DOMESTIC if domestic else data.INTERNATIONAL)[origin.currency]
                low = 2 if domestic else rng.randint(5, 7)
                lane, _created = ShippingLane.objects.update_or_create(
                    origin=origin,
                    destination_country=country,
                    destination_locale=None,
                    defaults={
                        "price": price,
                        "currency": origin.currency,
                        "min_days": low,
                        "max_days": low + (3 if domestic else rng.randint(4, 8)),
                        "active": (origin.slug, country) not in data.PAUSED_LANES,
                        **translated(
                            "customs_note", data.CUSTOMS_NOTES.get(country, dict.fromkeys(data.LANGUAGES, ""))
                        ),
                    },
                )
                for slug in data.RESTRICTED.get(country, ()):
                    categories[slug].restricted_lanes.add(lane)
        for origin_slug, destination_slug, price, low, high in data.MARKET_LANES:
            origin, destination = markets[origin_slug], markets[destination_slug]
            ShippingLane.objects.update_or_create(
                origin=origin,
                destination_country=destination.country.code,
                destination_locale=destination,
                defaults={
                    "price": price,
                    "currency": origin.currency,
                    "min_days": low,
                    "max_days": high,
                    "active": True,
                },
            )

    def seed_artists(self, markets: dict[str, Locale]) -> list[Artist]:
        artists = []
        for entry in data.ARTISTS:
            market = markets[entry["market"]]
            bios = {
                language: data.BIO_FORMATS[language].format(
                    craft=entry["craft"][language], name=entry["name"], years=entry["years"]
                )
                for language in data.LANGUAGES
            }
            artist, _created = Artist.objects.update_or_create(
                slug=entry["slug"],
                defaults={
                    "display_name": entry["name"],
                    "home_locale": market,
                    **translated("craft", entry["craft"]),
                    **translated("tradition", entry["tradition"]),
                    **translated("bio", bios),
                },
            )
            self.approve(artist)
            artist.entry = entry
            artists.append(artist)
        applicant = data.APPLICANT
        artist, _created = Artist.objects.update_or_create(
            slug=applicant["slug"],
            defaults={
                "display_name": applicant["name"],
                "home_locale": markets[applicant["market"]],
                **translated("craft", applicant["craft"]),
            },
        )
        if artist.status == ArtistStatus.APPLIED:
            change_artist_status(
                artist=artist, to_status=ArtistStatus.IN_REVIEW, by=None, reason="Demo data: portfolio received."
            )
        return artists

    @staticmethod
    def approve(artist: Artist):
        """Walk a new artist through review with the same service staff use, so the history reads true."""
        steps = {
            ArtistStatus.APPLIED: [ArtistStatus.IN_REVIEW, ArtistStatus.APPROVED],
            ArtistStatus.IN_REVIEW: [ArtistStatus.APPROVED],
        }
        for status in steps.get(artist.status, []):
            change_artist_status(artist=artist, to_status=status, by=None, reason="Demo data: portfolio reviewed.")

    def seed_gifts(self, artists: list[Artist], categories: dict[str, Category]) -> list[Gift]:
        gifts = []
        per_artist, extra = divmod(DEMO_GIFT_COUNT, len(artists))
        number = 0
        for artist_index, artist in enumerate(artists):
            for piece_index in range(per_artist + (1 if artist_index < extra else 0)):
                gift = self.upsert_gift(
                    artist=artist,
                    artist_index=artist_index,
                    piece_index=piece_index,
                    number=number,
                    category=categories[artist.entry["category"]],
                    featured=piece_index == 0 and artist_index < FEATURED_COUNT,
                )
                gifts.append(gift)
                number += 1
        return gifts

    def gift_fields(self, *, artist: Artist, artist_index: int, piece_index: int, number: int) -> dict:
        """Everything about a demo gift but its slug, the same on every run."""
        entry = artist.entry
        pieces = entry["pieces"]
        piece = pieces[piece_index % len(pieces)]
        name = data.PIECE_NAMES[(artist_index * 7 + piece_index * 3) % len(data.PIECE_NAMES)]
        market_names = {
            language: getattr(artist.home_locale, f"name_{language.replace('-', '_')}") for language in data.LANGUAGES
        }
        titles = {
            language: data.TITLE_FORMATS[language].format(piece=piece[language], name=name[language])
            for language in data.LANGUAGES
        }
        descriptions = {
            language: data.DESCRIPTION_FORMATS[language].format(
                artist=artist.display_name, market=market_names[language]
            )
            for language in data.LANGUAGES
        }
        rng = random.Random(stable_seed(f"{entry['slug']}:{piece_index}:{number}"))  # noqa: S311 - demo data
        return {
            "titles": titles,
            "fields": {
                **translated("title", titles),
                **translated("description", descriptions),
                **translated("story", entry["story"]),
                "price": nice_price(rng, artist.home_locale.currency),
                "currency": artist.home_locale.currency,
                "stock": 0 if number % 17 == 5 else rng.randint(1, 12),
                "weight_grams": rng.randint(120, 2400),
                "length_cm": Decimal(rng.randint(80, 600)) / 10,
                "width_cm": Decimal(rng.randint(60, 400)) / 10,
                "height_cm": Decimal(rng.randint(10, 300)) / 10,
                "popularity": rng.randint(0, 250),
                "published": True,
                "published_at": FIRST_PUBLISHED + timedelta(days=number * 3, hours=rng.randint(0, 10)),
            },
        }

    def upsert_gift(self, *, artist, artist_index, piece_index, number, category, featured) -> Gift:
        built = self.gift_fields(artist=artist, artist_index=artist_index, piece_index=piece_index, number=number)
        slug = slugify(f"{built['titles']['en']}-{artist.slug}")
        gift, _created = Gift.objects.update_or_create(
            slug=slug, defaults={**built["fields"], "artist": artist, "category": category, "featured": featured}
        )
        gift.picture_count = 2 if featured else 1
        gift.titles = built["titles"]
        return gift

    def seed_market_pictures(self, markets: dict[str, Locale]):
        motifs = sorted(demo_art.MOTIFS)
        for position, (slug, market) in enumerate(markets.items()):
            if market.hero_image:
                continue
            entry = next(item for item in data.MARKETS if item["slug"] == slug)
            picture = demo_art.draw_picture(
                motif=motifs[position % len(motifs)],
                palette=entry["palette"],
                seed=stable_seed(slug),
                size=(1280, 720),
            )
            market.hero_image.save(f"{slug}.jpg", ContentFile(picture), save=True)

    def seed_gift_pictures(self, gifts: list[Gift]) -> int:
        drawn = 0
        existing = set(GiftImage.objects.filter(gift__in=gifts).values_list("gift_id", "position"))
        for gift in gifts:
            entry = gift.artist.entry
            market = next(item for item in data.MARKETS if item["slug"] == entry["market"])
            others = sorted(set(demo_art.PALETTES) - {market["palette"]})
            palettes = [market["palette"], others[stable_seed(gift.slug) % len(others)]]
            market_names = {
                language: getattr(gift.artist.home_locale, f"name_{language.replace('-', '_')}")
                for language in data.LANGUAGES
            }
            for position in range(gift.picture_count):
                if (gift.pk, position) in existing:
                    continue
                picture = demo_art.draw_picture(
                    motif=entry["motif"],
                    palette=palettes[position % len(palettes)],
                    seed=stable_seed(f"{gift.slug}:{position}"),
                )
                alt = {
                    language: data.ALT_FORMATS[language].format(
                        title=gift.titles[language], market=market_names[language]
                    )
                    for language in data.LANGUAGES
                }
                add_gift_image(
                    gift=gift, content=picture, filename=f"{gift.slug}-{position}.jpg", alt_text=alt, position=position
                )
                drawn += 1
        return drawn

    def seed_bench_gifts(self, count: int) -> int:
        """Make benchmark gifts `bench-00001` … up to `count`, reusing the demo pictures; quick and in bulk."""
        demo = list(
            Gift.objects.filter(published=True, artist__status=ArtistStatus.APPROVED)
            .exclude(slug__startswith=BENCH_PREFIX)
            .select_related("artist__home_locale")
            .prefetch_related("images")
            .order_by("id")
        )
        if not demo:
            raise CommandError("Seed the demo gifts first.")
        have = set(Gift.objects.filter(slug__startswith=BENCH_PREFIX).values_list("slug", flat=True))
        wanted = [f"{BENCH_PREFIX}{number:05d}" for number in range(1, count + 1)]
        missing = [slug for slug in wanted if slug not in have]
        image_fields = [
            "image",
            "width",
            "height",
            "renditions",
            *translated("alt_text", dict.fromkeys(data.LANGUAGES, "")).keys(),
        ]
        copy_fields = [
            *translated("title", dict.fromkeys(data.LANGUAGES, "")).keys(),
            *translated("description", dict.fromkeys(data.LANGUAGES, "")).keys(),
            *translated("story", dict.fromkeys(data.LANGUAGES, "")).keys(),
            "currency",
            "weight_grams",
            "length_cm",
            "width_cm",
            "height_cm",
        ]
        made = 0
        for start in range(0, len(missing), BENCH_BATCH):
            batch = missing[start : start + BENCH_BATCH]
            gifts = []
            sources = []
            for slug in batch:
                number = int(slug.removeprefix(BENCH_PREFIX))
                source = demo[number % len(demo)]
                rng = random.Random(number)  # noqa: S311 - demo data, not secrets
                gift = Gift(
                    slug=slug,
                    artist_id=source.artist_id,
                    category_id=source.category_id,
                    price=nice_price(rng, source.currency),
                    stock=rng.randint(0, 12),
                    popularity=rng.randint(0, 500),
                    published=True,
                    featured=False,
                    published_at=FIRST_PUBLISHED - timedelta(minutes=number),
                    **{field: getattr(source, field) for field in copy_fields},
                )
                gifts.append(gift)
                sources.append(source)
            with transaction.atomic():
                created = Gift.objects.bulk_create(gifts)
                images = [
                    GiftImage(
                        gift=gift, position=image.position, **{field: getattr(image, field) for field in image_fields}
                    )
                    for gift, source in zip(created, sources, strict=True)
                    for image in source.images.all()
                ]
                GiftImage.objects.bulk_create(images)
            made += len(created)
        return made
