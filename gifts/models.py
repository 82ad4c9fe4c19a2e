"""The catalog (categories, gifts with the cultural story behind them, images) and the giving: carts, orders,
shipments with their customs papers, and each order's status history."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from artists.models import Artist, ArtistStatus
from locales.models import DutiesPayer, Locale, ShippingLane
from locales.money import Money, fits_minor_units, is_currency_code, minor_units
from locales.validators import validate_currency_code


class Category(models.Model):
    """A kind of piece, at most two levels deep (Ceramics, then Bowls), so browsing never becomes a maze."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{6}(\d{2}){0,2}$", _("Six, eight or ten digits, without dots."))],
        help_text=_("Harmonized System code for customs declarations; subcategories without one use their parent's."),
    )
    restricted_lanes = models.ManyToManyField(
        ShippingLane,
        blank=True,
        related_name="restricted_categories",
        verbose_name=_("lanes that may not carry it"),
        help_text=_("Customs or carriers refuse this category on these lanes; its subcategories follow."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="category_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name or self.slug

    @property
    def customs_code(self) -> str:
        """The HS code a customs declaration uses: the category's own, else its parent's."""
        if self.hs_code:
            return self.hs_code
        return self.parent.hs_code if self.parent_id else ""

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": _("Categories go two levels deep at most: pick a top-level parent.")})
        if self.pk and self.children.exists():
            raise ValidationError({"parent": _("This category has subcategories, so it must stay at the top level.")})


class GiftQuerySet(models.QuerySet):
    def public(self):
        """Gifts the storefront may show: published, by an approved artist."""
        return self.filter(published=True, artist__status=ArtistStatus.APPROVED)


class Gift(models.Model):
    """A piece an artist offers, priced in the currency of the artist's home market."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    artist = models.ForeignKey(Artist, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("artist"))
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    story = models.TextField(_("cultural story"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("category"))
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=3)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[validate_currency_code],
        help_text=_("The currency of the artist's home market."),
    )
    stock = models.PositiveIntegerField(_("in stock"), default=1)
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    length_cm = models.DecimalField(_("length (cm)"), max_digits=6, decimal_places=1)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=6, decimal_places=1)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=6, decimal_places=1)
    published = models.BooleanField(_("published"), default=False)
    featured = models.BooleanField(_("featured on the home page"), default=False)
    popularity = models.PositiveIntegerField(
        _("popularity"), default=0, help_text=_("How many times the piece was given; sorts the catalog.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="gift_price_positive"),
            models.CheckConstraint(
                condition=Q(published=False) | Q(published_at__isnull=False), name="gift_published_has_a_date"
            ),
        ]
        # Partial indexes over public candidates, in the storefront's sort orders: a page of 24 reads 24 index
        # entries instead of sorting the catalog, and counting reads the narrow artist index only.
        indexes = [
            models.Index(fields=["-published_at", "-id"], condition=Q(published=True), name="gift_newest"),
            models.Index(
                fields=["-popularity", "-published_at", "-id"], condition=Q(published=True), name="gift_popular"
            ),
            models.Index(
                fields=["-featured", "-popularity", "-published_at", "-id"],
                condition=Q(published=True),
                name="gift_featured",
            ),
            models.Index(fields=["artist", "category"], condition=Q(published=True), name="gift_public_by_artist"),
            models.Index(fields=["currency", "price"], name="gift_price"),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def save(self, *args, **kwargs):
        # The catalog sorts by publication date; a published gift always has one.
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("gifts:gift_detail", kwargs={"slug": self.slug})

    @property
    def price_money(self) -> Money:
        return Money(self.price, self.currency)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def clean(self):
        super().clean()
        errors = {}
        if self.artist_id and self.currency and self.artist.home_locale.currency != self.currency:
            errors["currency"] = _("Gifts are priced in the artist's currency, %(currency)s.") % {
                "currency": self.artist.home_locale.currency
            }
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


class GiftImage(models.Model):
    """A photo of a gift. `renditions` maps a width to a smaller stored copy, for `srcset`."""

    RENDITION_WIDTHS = (480, 960)

    gift = models.ForeignKey(Gift, on_delete=models.CASCADE, related_name="images", verbose_name=_("gift"))
    image = models.ImageField(_("image"), upload_to="gifts/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt_text = models.CharField(_("alternative text"), max_length=250)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("gift image")
        verbose_name_plural = _("gift images")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["gift", "position"], name="gift_image_order")]

    def __str__(self) -> str:
        return self.alt_text or self.image.name

    def rendition_url(self, width: int) -> str:
        """The URL of the stored copy closest to `width` without going under it; the original if none is."""
        sizes = sorted((int(size), name) for size, name in (self.renditions or {}).items())
        for size, name in sizes:
            if size >= width:
                return default_storage.url(name)
        return self.image.url

    @property
    def card_url(self) -> str:
        return self.rendition_url(480)

    @property
    def large_url(self) -> str:
        return self.rendition_url(960)

    @property
    def srcset(self) -> str:
        """Every stored width, for the browser to pick from."""
        entries = [f"{default_storage.url(name)} {int(size)}w" for size, name in (self.renditions or {}).items()]
        if self.width:
            entries.append(f"{self.image.url} {self.width}w")
        return ", ".join(entries)


class Cart(models.Model):
    """Pieces a giver is gathering. A visitor's cart is found through their session; a signed-in giver has one cart
    and a visitor's cart merges into it at login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cart"))
    gift = models.ForeignKey(Gift, on_delete=models.CASCADE, related_name="cart_lines", verbose_name=_("gift"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "gift"], name="cart_line_one_per_gift"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.gift}"


class DutyRule(models.Model):
    """How a destination country taxes an incoming gift: a flat estimate rate above a gift exemption threshold.

    Staff keep these current; checkout uses them to estimate what the giver pays when a lane says the giver pays.
    """

    country = CountryField(_("destination country"), unique=True)
    rate = models.DecimalField(
        _("duty and tax rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Duties and import taxes together, as a fraction of the declared value: 0.2 is 20 %."),
    )
    gift_exemption_threshold = models.DecimalField(
        _("gift exemption threshold"),
        max_digits=12,
        decimal_places=3,
        default=0,
        help_text=_("Gifts declared at or below this value enter free of duties and taxes."),
    )
    currency = models.CharField(_("currency of the threshold"), max_length=3, validators=[validate_currency_code])
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lte=1), name="duty_rule_rate_fraction"),
            models.CheckConstraint(condition=Q(gift_exemption_threshold__gte=0), name="duty_rule_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.country.name}: {self.rate:%} above {self.gift_exemption_threshold} {self.currency}"

    @property
    def threshold(self) -> Money:
        return Money(self.gift_exemption_threshold, self.currency)


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


MESSAGE_MAX_LENGTH = 500
"""A gift message fits on the card that travels with the piece."""


def new_recipient_token() -> str:
    """256 random bits: the recipient's link is the only key to their page, so it must not be guessable."""
    return secrets.token_urlsafe(32)


class Order(models.Model):
    """A gift sent by a giver to a recipient: a snapshot of who, where, what and at what price, kept as placed.

    The recipient's address is copied, not linked, so editing the address book never rewrites a past order.
    """

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("giver"),
        help_text=_("Empty once the giver's personal data has been erased."),
    )
    giver_email = models.EmailField(_("giver's email"), blank=True)
    giver_name = models.CharField(_("giver's name"), max_length=150, blank=True)
    giver_language = models.CharField(_("giver's language"), max_length=10, choices=settings.LANGUAGES)
    reveal_giver = models.BooleanField(_("show the giver's name to the recipient"), default=True)
    recipient_name = models.CharField(_("recipient's name"), max_length=150)
    recipient_country = CountryField(_("destination country"))
    recipient_street_address_1 = models.CharField(_("address"), max_length=255)
    recipient_street_address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    recipient_city = models.CharField(_("city"), max_length=128, blank=True)
    recipient_city_area = models.CharField(_("district or neighborhood"), max_length=128, blank=True)
    recipient_country_area = models.CharField(_("state, province or prefecture"), max_length=128, blank=True)
    recipient_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=32, blank=True)
    recipient_language = models.CharField(_("recipient's language"), max_length=10, choices=settings.LANGUAGES)
    destination_locale = models.ForeignKey(
        Locale,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders_in",
        verbose_name=_("destination market"),
    )
    message = models.TextField(_("gift message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    items_total = models.DecimalField(_("items"), max_digits=14, decimal_places=3)
    shipping_total = models.DecimalField(_("shipping"), max_digits=14, decimal_places=3)
    duties_total = models.DecimalField(_("duties paid by the giver"), max_digits=14, decimal_places=3, default=0)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=3)
    rates_as_of = models.DateField(_("exchange rates of"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    idempotency_key = models.CharField(_("checkout key"), max_length=64)
    recipient_token = models.CharField(
        _("recipient page token"), max_length=64, unique=True, default=new_recipient_token, editable=False
    )
    payment_provider = models.CharField(_("payment provider"), max_length=20, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    card_last4 = models.CharField(_("card ending"), max_length=4, blank=True)
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    pseudonymized_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["giver", "idempotency_key"], name="order_one_per_checkout_key"),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]
        indexes = [models.Index(fields=["giver", "-placed_at"], name="order_by_giver")]

    def __str__(self) -> str:
        return _("Order %(number)s") % {"number": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("gifts:order_detail", kwargs={"pk": self.pk})

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)

    @property
    def total_money(self) -> Money:
        return self.money(self.total)

    @property
    def items_money(self) -> Money:
        return self.money(self.items_total)

    @property
    def shipping_money(self) -> Money:
        return self.money(self.shipping_total)

    @property
    def duties_money(self) -> Money:
        return self.money(self.duties_total)

    @property
    def cancellable(self) -> bool:
        """A giver may change their mind until a parcel leaves: the piece can go back on the shelf."""
        return self.status in CANCELLABLE_STATUSES

    def recipient_address_lines(self) -> list[str]:
        from accounts.address_formats import address_lines

        return address_lines(
            country=self.recipient_country.code,
            recipient_name=self.recipient_name,
            street_address_1=self.recipient_street_address_1,
            street_address_2=self.recipient_street_address_2,
            city=self.recipient_city,
            city_area=self.recipient_city_area,
            country_area=self.recipient_country_area,
            postal_code=self.recipient_postal_code,
        )


CANCELLABLE_STATUSES = frozenset({OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.IN_PRODUCTION})


class Shipment(models.Model):
    """One parcel of an order: the pieces from one origin market, on that origin's lane, with its customs papers."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order"))
    origin = models.ForeignKey(Locale, on_delete=models.PROTECT, related_name="shipments_out", verbose_name=_("origin"))
    lane = models.ForeignKey(
        ShippingLane, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("shipping lane")
    )
    price = models.DecimalField(_("shipping price"), max_digits=12, decimal_places=3)
    price_currency = models.CharField(_("lane currency"), max_length=3, validators=[validate_currency_code])
    price_in_order_currency = models.DecimalField(_("shipping in the order currency"), max_digits=14, decimal_places=3)
    min_days = models.PositiveSmallIntegerField(_("minimum business days"))
    max_days = models.PositiveSmallIntegerField(_("maximum business days"))
    estimated_from = models.DateField(_("estimated delivery from"))
    estimated_until = models.DateField(_("estimated delivery until"))
    crosses_border = models.BooleanField(_("crosses a border"), default=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    declared_value = models.DecimalField(_("declared value"), max_digits=12, decimal_places=3)
    declared_currency = models.CharField(
        _("declared value currency"), max_length=3, validators=[validate_currency_code]
    )
    marked_as_gift = models.BooleanField(_("marked as a gift"), default=True)
    duties_payer = models.CharField(_("duties paid by"), max_length=10, choices=DutiesPayer.choices)
    duties_estimate = models.DecimalField(
        _("estimated duties (order currency)"), max_digits=14, decimal_places=3, default=0
    )
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    tracking_reference = models.CharField(_("tracking reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order} · {self.lane}"

    @property
    def declared_money(self) -> Money:
        return Money(self.declared_value, self.declared_currency)

    @property
    def recipient_pays_duties(self) -> bool:
        return self.crosses_border and self.duties_payer == DutiesPayer.RECIPIENT


class OrderLine(models.Model):
    """A piece in an order at the price it had when the order was placed, in the artist's currency and the order's."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment"))
    gift = models.ForeignKey(Gift, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("gift"))
    title = models.CharField(_("title"), max_length=160)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=3)
    unit_currency = models.CharField(_("artist's currency"), max_length=3, validators=[validate_currency_code])
    line_total = models.DecimalField(_("line total (order currency)"), max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.title}"

    @property
    def unit_money(self) -> Money:
        return Money(self.unit_price, self.unit_currency)

    @property
    def total_money(self) -> Money:
        return Money(self.line_total, self.order.currency)


class OrderStatusChange(models.Model):
    """One step in an order's life, with who took it and why: support answers "where is my gift" from these."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("order"))
    from_status = models.CharField(_("from"), max_length=16, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=OrderStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.order}: {self.from_status or '—'} → {self.to_status}"
