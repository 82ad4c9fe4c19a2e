"""Small factories for account tests."""

import factory
from allauth.account.models import EmailAddress

from accounts.models import Address, User

PASSWORD = "a-long-gift-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who finished signing up: their email address is verified, so they can log in."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"giver{n}@example.com")
    full_name = "Ana Giver"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)


class AddressFactory(factory.django.DjangoModelFactory):
    """A Lyon address, as the address services would have stored it."""

    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    recipient_name = "Claire Martin"
    country = "FR"
    street_address_1 = "12 rue de la République"
    city = "Lyon"
    postal_code = "69002"
