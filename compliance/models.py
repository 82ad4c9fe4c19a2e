"""What compliance keeps: consent purposes and policy versions, the consent ledger, and data-subject requests.

The consent ledger is proof: each grant or withdrawal is a new row, no row is ever changed, and rows go only when
their subject is erased. Models here hold no foreign key to a domain app (compliance imports none); a subject is
a user id, an email and pseudonymous visitor ids.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.regimes import REGIMES, Purpose, get_regime


class LedgerIsAppendOnly(Exception):
    """Raised when code tries to change or delete a consent record outside erasure."""

    def __init__(self):
        super().__init__(_("Consent records are never changed; a new choice adds a new record."))


class ConsentPurpose(models.Model):
    """A reason we process data that a visitor may accept or refuse, named and explained in each language."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=Purpose.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("consent purpose")
        verbose_name_plural = _("consent purposes")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name or self.code

    @property
    def is_necessary(self) -> bool:
        return self.code == Purpose.NECESSARY


class PolicyVersion(models.Model):
    """A version of the privacy notice; each consent record names the version the person saw."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    effective_on = models.DateField(_("effective on"))
    text = models.TextField(_("text"), help_text=_("Plain text; a blank line starts a new paragraph."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")
        ordering = ["-effective_on", "-id"]
        get_latest_by = ["effective_on", "id"]

    def __str__(self) -> str:
        return self.version


class ConsentSource(models.TextChoices):
    BANNER = "banner", _("Consent banner")
    PREFERENCES = "preferences", _("Preferences page")
    GPC = "gpc", _("Global Privacy Control signal")
    REQUEST = "request", _("Data-subject request")
    API = "api", _("API")


class ConsentRecordQuerySet(models.QuerySet):
    """Reads as usual; refuses updates and deletes, except `erase()`, which only erasure calls."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerIsAppendOnly

    def delete(self):
        raise LedgerIsAppendOnly

    def erase(self) -> int:
        """Delete these records for an erasure of their subject; returns how many went."""
        deleted, _by_model = super().delete()
        return deleted

    def for_subject(self, *, user_id: int | None, visitor_id: str = ""):
        """A person's records: those under their account and, from this browser, those made before signing in."""
        condition = Q(pk__in=[])
        if user_id is not None:
            condition |= Q(user_id=user_id)
            if visitor_id:
                condition |= Q(visitor_id=visitor_id, user_id__isnull=True)
        elif visitor_id:
            condition |= Q(visitor_id=visitor_id)
        return self.filter(condition)


class ConsentRecord(models.Model):
    """One grant or withdrawal of one purpose by one subject, with the policy version and where it came from."""

    user_id = models.PositiveBigIntegerField(
        _("user id"), null=True, blank=True, db_index=True, help_text=_("The account, when the person was signed in.")
    )
    visitor_id = models.CharField(
        _("visitor id"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Random id kept in a first-party cookie."),
    )
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="records")
    granted = models.BooleanField(_("granted"))
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="consent_records")
    source = models.CharField(_("source"), max_length=16, choices=ConsentSource.choices)
    regime = models.CharField(_("regime"), max_length=16, choices=[(code, r.name) for code, r in REGIMES.items()])
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    ip_prefix = models.CharField(
        _("network"), max_length=50, blank=True, help_text=_("The address truncated to /24 (IPv4) or /48 (IPv6).")
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent ledger")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user_id__isnull=False) | ~Q(visitor_id=""), name="consent_record_has_a_subject"
            )
        ]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "refused"
        return f"{self.purpose.code} {verb} at {self.recorded_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update"):
            raise LedgerIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly


class RequestKind(models.TextChoices):
    ACCESS = "access", _("A copy of my data (access and export)")
    ERASURE = "erasure", _("Erase my data")
    RECTIFICATION = "rectification", _("Correct my data")
    RESTRICTION = "restriction", _("Restrict the use of my data")
    OBJECTION = "objection", _("Object to the use of my data")
    DO_NOT_SELL_OR_SHARE = "do_not_sell_or_share", _("Do not sell or share my personal information")


class RequestStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Waiting for confirmation")
    OPEN = "open", _("In progress")
    FULFILLED = "fulfilled", _("Done")
    DENIED = "denied", _("Declined")


class DataSubjectRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RequestStatus.OPEN)

    def overdue(self, today=None):
        """Open requests past their deadline (the extended one when extended)."""
        today = today or timezone.localdate()
        return self.open().filter(Q(extended_due_on__isnull=True, due_on__lt=today) | Q(extended_due_on__lt=today))


class DataSubjectRequest(models.Model):
    """A person's request to see, take, correct, restrict, object to or erase their data, or to stop its sale.

    The deadline is fixed when the request is received, by the regime the person was under then. Only a hash of
    the one-time confirmation token is stored.
    """

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=RequestStatus.choices, default=RequestStatus.AWAITING_CONFIRMATION
    )
    email = models.EmailField(_("email address"), blank=True)
    user_id = models.PositiveBigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    visitor_id = models.CharField(_("visitor id"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    regime = models.CharField(_("regime"), max_length=16, choices=[(code, r.name) for code, r in REGIMES.items()])
    details = models.TextField(_("details"), blank=True, max_length=2000)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    due_on = models.DateField(_("due on"))
    extended_due_on = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    confirmation_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    confirmation_expires_at = models.DateTimeField(_("confirmation link expires"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    export_file = models.CharField(_("export file"), max_length=255, blank=True, editable=False)
    export_expires_at = models.DateTimeField(_("export expires"), null=True, blank=True)

    objects = DataSubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_on", "received_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="dsr_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {str(self.reference)[:8]}"

    @property
    def deadline(self):
        """The day the answer is due, after any extension."""
        return self.extended_due_on or self.due_on

    @property
    def is_closed(self) -> bool:
        return self.status in {RequestStatus.FULFILLED, RequestStatus.DENIED}

    def is_overdue(self, today=None) -> bool:
        return self.status == RequestStatus.OPEN and self.deadline < (today or timezone.localdate())

    @property
    def regime_rules(self):
        return get_regime(self.regime)


class RequestEventKind(models.TextChoices):
    FILED = "filed", _("Filed")
    CONFIRMED = "confirmed", _("Confirmed")
    EXTENDED = "extended", _("Deadline extended")
    EXPORT_READY = "export_ready", _("Export ready")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
    ERASED = "erased", _("Data erased")
    OPTED_OUT = "opted_out", _("Opted out of sale and sharing")
    FULFILLED = "fulfilled", _("Fulfilled")
    DENIED = "denied", _("Declined")
    NOTIFIED = "notified", _("Subject notified")
    NOTE = "note", _("Note")


class RequestEvent(models.Model):
    """One step in a request's life, with who took it and why: the audit trail a regulator may ask for."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=24, choices=RequestEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the subject or the system acted."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class ErasureReceipt(models.Model):
    """Proof that a subject was erased, and how to recognise them later without keeping who they were.

    `email_digest` is an HMAC of the normalised email under a key derived from SECRET_KEY, so an import can ask
    `is_erased(email)` while the receipt itself names nobody.
    """

    email_digest = models.CharField(_("email digest"), max_length=64, db_index=True)
    request = models.ForeignKey(
        DataSubjectRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasure_receipts"
    )
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    summary = models.JSONField(_("what was done"), default=dict)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("erasure receipt")
        verbose_name_plural = _("erasure receipts")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.erased_at:%Y-%m-%d %H:%M} · {self.email_digest[:12]}"
