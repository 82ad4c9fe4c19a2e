"""Account writes: the profile and the address book. Each service is one transaction and checks its own input,
so the storefront, the API and the admin share the same rules."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import address_formats
from accounts.models import Address, User
from locales.validators import validate_currency_code


@transaction.atomic
def update_profile(*, user: User, full_name: str, preferred_language: str, preferred_currency: str) -> User:
    """Save the name the person goes by and the language and currency they read the site in."""
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": [_("This language is not offered.")]})
    if preferred_currency:
        validate_currency_code(preferred_currency)
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.preferred_currency = preferred_currency
    user.save(update_fields=["full_name", "preferred_language", "preferred_currency"])
    return user


def _checked_address(
    *,
    recipient_name: str,
    country: str,
    street_address_1: str,
    street_address_2: str,
    city: str,
    city_area: str,
    country_area: str,
    postal_code: str,
    phone: str,
) -> dict[str, str]:
    """The address in its country's canonical form, or ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    if not recipient_name.strip():
        errors["recipient_name"] = [_("This field is required.")]
    parts: dict[str, str] = {}
    try:
        parts = address_formats.clean_address(
            country=country,
            street_address_1=street_address_1,
            street_address_2=street_address_2,
            city=city,
            city_area=city_area,
            country_area=country_area,
            postal_code=postal_code,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        phone = address_formats.clean_phone(phone, country)
    except ValidationError as error:
        errors["phone"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {
        "recipient_name": recipient_name.strip(),
        "country": country,
        "street_address_1": street_address_1.strip(),
        "street_address_2": street_address_2.strip(),
        "phone": phone,
        **parts,
    }


def _lock_address_book(user: User) -> None:
    """Serialize changes to one user's book: two tabs adding a first address must not make two defaults."""
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def add_address(
    *,
    user: User,
    recipient_name: str,
    country: str,
    street_address_1: str,
    street_address_2: str = "",
    city: str = "",
    city_area: str = "",
    country_area: str = "",
    postal_code: str = "",
    phone: str = "",
    make_default: bool = False,
) -> Address:
    """Add an address to the user's book. The first address, or one asked for, becomes the default."""
    parts = _checked_address(
        recipient_name=recipient_name,
        country=country,
        street_address_1=street_address_1,
        street_address_2=street_address_2,
        city=city,
        city_area=city_area,
        country_area=country_area,
        postal_code=postal_code,
        phone=phone,
    )
    _lock_address_book(user)
    becomes_default = make_default or not Address.objects.filter(user=user).exists()
    if becomes_default:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    return Address.objects.create(user=user, is_default=becomes_default, **parts)


@transaction.atomic
def update_address(
    *,
    address: Address,
    recipient_name: str,
    country: str,
    street_address_1: str,
    street_address_2: str = "",
    city: str = "",
    city_area: str = "",
    country_area: str = "",
    postal_code: str = "",
    phone: str = "",
    make_default: bool = False,
) -> Address:
    """Change an address; it also becomes the default when asked (a default stays the default)."""
    parts = _checked_address(
        recipient_name=recipient_name,
        country=country,
        street_address_1=street_address_1,
        street_address_2=street_address_2,
        city=city,
        city_area=city_area,
        country_area=country_area,
        postal_code=postal_code,
        phone=phone,
    )
    _lock_address_book(address.user)
    for name, value in parts.items():
        setattr(address, name, value)
    changed = [*parts, "updated_at"]
    if make_default and not address.is_default:
        Address.objects.filter(user=address.user, is_default=True).update(is_default=False)
        address.is_default = True
        changed.append("is_default")
    address.save(update_fields=changed)
    return address


@transaction.atomic
def set_default_address(*, address: Address) -> Address:
    """Make this the address the user sends to unless they pick another."""
    _lock_address_book(address.user)
    Address.objects.filter(user=address.user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])
    return address


@transaction.atomic
def delete_address(*, address: Address) -> None:
    """Remove an address; when it was the default, the most recently changed remaining one takes its place."""
    user = address.user
    _lock_address_book(user)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("-updated_at", "-pk").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
