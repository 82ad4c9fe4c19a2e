"""The catalog: categories, gifts with the cultural story behind them, and their images."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from artists.models import Artist, ArtistStatus
from locales.models import ShippingLane
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
