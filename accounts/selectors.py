"""Account reads. Addresses are only ever read through their owner, so nobody can reach another person's."""

from django.db.models import QuerySet

from accounts.models import Address, User


def addresses_for(user: User) -> QuerySet[Address]:
    """The user's address book, default first, then the most recently changed."""
    return Address.objects.filter(user=user).order_by("-is_default", "-updated_at", "-pk")


def default_address_for(user: User) -> Address | None:
    """The address the user sends to unless they pick another; None when the book is empty."""
    return addresses_for(user).filter(is_default=True).first()
