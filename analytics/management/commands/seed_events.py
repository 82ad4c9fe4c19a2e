"""`manage.py seed_events 1000000`: made-up activity events and Web Vitals for measuring the staff dashboard.

Events follow a plausible funnel (most visitors browse, fewer add to a cart, fewer still order) over the last
`--days` days, across the markets in the database (or a few made-up slugs when there are none). Local use only.
"""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics.events import user_pseudonym, visitor_pseudonym
from analytics.models import ActivityEvent, ConsentBasis, EventName, UserAgentFamily, VitalMetric, WebVitalSample

# How often each event appears: a browse-heavy funnel.
WEIGHTS = {
    EventName.GIFT_VIEWED: 50,
    EventName.MARKET_VIEWED: 12,
    EventName.ARTIST_VIEWED: 10,
    EventName.CATALOG_SEARCHED: 14,
    EventName.CART_ADDED: 7,
    EventName.CHECKOUT_STARTED: 4,
    EventName.ORDER_PLACED: 2.5,
    EventName.ORDER_CANCELLED: 0.2,
    EventName.ARTIST_APPLIED: 0.3,
}
BATCH = 5000


class Command(BaseCommand):
    help = "Create N made-up activity events (and N/20 Web Vitals samples) over the last --days days."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=8)

    def handle(self, *args, count, days, seed, **options):
        if count < 1 or days < 1:
            raise CommandError("count and --days must be positive.")
        rng = random.Random(seed)  # noqa: S311 - made-up demo data, reproducible by seed
        markets = [("oaxaca", "MX"), ("kyoto", "JP"), ("lyon", "FR"), ("ohio", "US"), ("north-texas", "US")]
        Locale = apps.get_model("locales", "Locale")
        found = [(slug, str(country)) for slug, country in Locale.objects.values_list("slug", "country")[:50]]
        markets = found or markets
        names, weights = list(WEIGHTS), list(WEIGHTS.values())
        now = timezone.now()
        visitors = [uuid.uuid4().hex for _ in range(max(1, count // 8))]
        made = 0
        while made < count:
            batch = []
            for _ in range(min(BATCH, count - made)):
                name = rng.choices(names, weights)[0]
                at = now - timedelta(seconds=rng.randrange(days * 86400))
                origin, _origin_country = rng.choice(markets)
                _dest_slug, destination = rng.choice(markets)
                ordered = name in {EventName.ORDER_PLACED, EventName.CART_ADDED}
                signed_in = rng.random() < 0.2
                batch.append(
                    ActivityEvent(
                        name=name,
                        occurred_at=at,
                        visitor=visitor_pseudonym(rng.choice(visitors), at.date()),
                        user=user_pseudonym(rng.randrange(1, 5000)) if signed_in else "",
                        language=rng.choice(["en", "es", "fr", "de", "ja", "pt-br"]),
                        currency=rng.choice(["USD", "EUR", "JPY", "MXN"]),
                        origin_locale=origin,
                        destination_country=destination,
                        gift=f"gift-{rng.randrange(2000)}",
                        artist=f"artist-{rng.randrange(300)}",
                        value=Decimal(rng.randrange(1500, 40000)) / 100 if ordered else None,
                        value_currency="USD" if ordered else "",
                        result_count=rng.randrange(0, 200) if name == EventName.CATALOG_SEARCHED else None,
                        path="/en/gifts/",
                        referrer_host=rng.choice(["", "www.google.com", "instagram.com"]),
                        user_agent_family=rng.choice(UserAgentFamily.values),
                        consent_basis=rng.choice(ConsentBasis.values),
                    )
                )
            ActivityEvent.objects.bulk_create(batch)
            made += len(batch)
        samples = [
            WebVitalSample(
                recorded_at=now - timedelta(seconds=rng.randrange(days * 86400)),
                route="/<lang>/gifts/<slug:slug>/",
                metric=metric,
                value=rng.lognormvariate(7.6, 0.5)
                if metric == VitalMetric.LCP
                else rng.lognormvariate(5.0, 0.6)
                if metric == VitalMetric.INP
                else rng.expovariate(20),
            )
            for metric in VitalMetric
            for _ in range(max(1, count // 60))
        ]
        WebVitalSample.objects.bulk_create(samples, batch_size=BATCH)
        self.stdout.write(f"Created {made} events and {len(samples)} Web Vitals samples over {days} days.")
