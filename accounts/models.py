"""The LaGiftArt user (email is the login; there is no username), the addresses in their address book, and the API
keys partners use to act as their account."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts import address_formats
from locales.validators import validate_currency_code


class UserManager(BaseUserManager):
    """Creates users keyed by a normalized email address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractUser):
    """A giver, artist or staff member. Names are one free field: many cultures have no first/last split."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    preferred_currency = models.CharField(
        _("preferred currency"), max_length=3, blank=True, validators=[validate_currency_code]
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Address(models.Model):
    """A postal address in a user's address book, written the way its country's post expects.

    Every row hangs off its user (deleted with them), so exporting or erasing a person's addresses is one
    `user.addresses` query. Parts a country does not use stay empty; `accounts.address_formats` holds the rules.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user")
    )
    recipient_name = models.CharField(_("recipient name"), max_length=150)
    country = CountryField(_("country"))
    street_address_1 = models.CharField(_("address"), max_length=255)
    street_address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    city_area = models.CharField(_("district or neighborhood"), max_length=128, blank=True)
    country_area = models.CharField(_("state, province or prefecture"), max_length=128, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("E.164, e.g. +33142685300."))
    is_default = models.BooleanField(_("default address"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="accounts_address_one_default_per_user"
            )
        ]

    def __str__(self) -> str:
        return ", ".join(self.lines())

    def lines(self) -> list[str]:
        """The address as the destination's post writes it, without the country's name."""
        return address_formats.address_lines(
            country=self.country.code,
            recipient_name=self.recipient_name,
            street_address_1=self.street_address_1,
            street_address_2=self.street_address_2,
            city=self.city,
            city_area=self.city_area,
            country_area=self.country_area,
            postal_code=self.postal_code,
        )

    @property
    def phone_display(self) -> str:
        return address_formats.format_phone(self.phone)


class ApiScope(models.TextChoices):
    """What a partner API key may do, one scope per kind of work; docs/api.md lists the endpoints each opens.

    A key never reaches a person's own pages (profile, consent, privacy requests, an artist's studio): those need
    the person, signed in. Shipping quotes are public reads like the catalog, so `catalog:read` opens them too.
    """

    CATALOG_READ = "catalog:read", _("Read the catalog: gifts, artists, markets, categories and shipping quotes")
    CART_WRITE = "cart:write", _("Read and change the account's cart")
    ORDERS_READ = "orders:read", _("Read the account's orders and their history")
    ORDERS_WRITE = "orders:write", _("Place (check out) and cancel the account's orders")


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Keys that still open the API: not revoked and not past their expiry."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiKey(models.Model):
    """A partner's key to the API: it acts as its owner's account, limited to its scopes, until it expires or is
    revoked.

    The key is `<prefix>.<secret>`. The prefix is public (shown in the admin, used to find the key and to count its
    requests); only a SHA-256 digest of the secret is stored, so the full key is shown once, when it is made.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("partner account")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. “Acme gift portal”."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_digest = models.CharField(_("secret digest"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(
        _("last used"), null=True, blank=True, editable=False, help_text=_("Updated at most once a minute.")
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
