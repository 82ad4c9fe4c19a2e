from django.apps import AppConfig


class LaGiftArtConfig(AppConfig):
    """The project package as an app, so its templates, static files and system checks are found."""

    name = "lagiftart"
    verbose_name = "LaGiftArt"

    def ready(self):
        from lagiftart import checks  # noqa: F401  (registers the deploy checks)
