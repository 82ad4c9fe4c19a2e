from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # What accounts holds about a person, registered with compliance (docs/compliance.md).
        from accounts import personal_data  # noqa: F401
