from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftsConfig(AppConfig):
    name = "gifts"
    verbose_name = _("Gifts")

    def ready(self):
        # The cart merges at login (a signal receiver), orders register their personal data with compliance, and
        # the order admin lives beside the catalog admin without sharing its file.
        from gifts import cart, orders_admin, personal_data  # noqa: F401
