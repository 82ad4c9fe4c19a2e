from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArtistsConfig(AppConfig):
    name = "artists"
    verbose_name = _("Artists")

    def ready(self):
        # Applicants' personal data is registered with compliance (docs/compliance.md).
        from artists import personal_data  # noqa: F401
