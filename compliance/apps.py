from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        # Compliance registers its own personal data the way every app does: one module, imported here.
        from compliance import personal_data  # noqa: F401
