"""Artists: the people behind the pieces, and the review every artist passes before the storefront shows them."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from locales.models import Locale


class ArtistStatus(models.TextChoices):
    """Onboarding: applied → in review → approved | rejected; an approved artist can be suspended and reinstated."""

    APPLIED = "applied", _("Applied")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class ArtistQuerySet(models.QuerySet):
    def public(self):
        """Artists the storefront may show: approved ones only."""
        return self.filter(status=ArtistStatus.APPROVED)


class Artist(models.Model):
    """A maker from a market, with the craft and tradition they work in."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    home_locale = models.ForeignKey(
        Locale, on_delete=models.PROTECT, related_name="artists", verbose_name=_("home market")
    )
    craft = models.CharField(_("craft"), max_length=120, help_text=_("Such as ceramics, weaving, woodblock prints."))
    tradition = models.CharField(_("tradition"), max_length=160, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    portrait = models.ImageField(_("portrait"), upload_to="artists/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ArtistStatus.choices, default=ArtistStatus.APPLIED, db_index=True
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArtistQuerySet.as_manager()

    class Meta:
        verbose_name = _("artist")
        verbose_name_plural = _("artists")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("gifts:artist_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == ArtistStatus.APPROVED


class ArtistStatusChange(models.Model):
    """One step in an artist's review: from which status to which, who decided, when, and why."""

    artist = models.ForeignKey(
        Artist, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("artist")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ArtistStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=ArtistStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="artist_status_changes",
        verbose_name=_("changed by"),
    )
    reason = models.TextField(_("reason"))
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("artist status change")
        verbose_name_plural = _("artist status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.artist}: {self.from_status or '—'} → {self.to_status}"


class ApplicationStatus(models.TextChoices):
    """Where an application to sell on LaGiftArt stands; the artist's own status history records each decision."""

    SUBMITTED = "submitted", _("Waiting for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ArtistApplication(models.Model):
    """What a maker sent through "Become an artist": contact, craft, statement, consent, portfolio.

    The application creates the artist at once, in status "applied" (hidden from the storefront), so every review
    decision is a step in the artist's status history; the application keeps what only the review needs.
    """

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    artist = models.OneToOneField(
        Artist, on_delete=models.CASCADE, related_name="application", verbose_name=_("artist")
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, help_text=_("We write to the applicant in it.")
    )
    home_locale = models.ForeignKey(
        Locale, on_delete=models.PROTECT, related_name="artist_applications", verbose_name=_("home market")
    )
    craft = models.CharField(_("craft"), max_length=120)
    statement = models.TextField(_("statement"), max_length=4000)
    consented_to_terms_at = models.DateTimeField(_("accepted the terms"))
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason given"), blank=True)

    class Meta:
        verbose_name = _("artist application")
        verbose_name_plural = _("artist applications")
        ordering = ["submitted_at", "id"]
        indexes = [models.Index(fields=["status", "submitted_at"], name="artist_application_queue")]

    def __str__(self) -> str:
        return f"{self.name} ({self.craft})"


class ArtistApplicationImage(models.Model):
    """One portfolio picture sent with an application (checked with Pillow when uploaded)."""

    application = models.ForeignKey(
        ArtistApplication, on_delete=models.CASCADE, related_name="images", verbose_name=_("application")
    )
    image = models.ImageField(_("image"), upload_to="artist-applications/")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("portfolio image")
        verbose_name_plural = _("portfolio images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name
