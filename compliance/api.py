"""A person's privacy over the API: their consent choices and their own data-subject requests (docs/api.md).

Only the person themself, signed in through the browser or an app; no partner key reaches these endpoints (no
`required_scope`). The consent ledger and the request services are the privacy portal's own (compliance/consent.py,
compliance/services.py): a choice made here is a ledger row with source "api", and a request filed here runs the
same deadlines, emails and export as one filed on the portal.

Filing a request needs the same proof as on the portal: the person confirmed who they are (password or two-factor
code, allauth's re-authentication) within ACCOUNT_REAUTHENTICATION_TIMEOUT, in the session the request acts in.
An app does that with /_allauth/app/v1/auth/reauthenticate (or .../2fa/reauthenticate) and its session token; a
fresh login does not count, as on the portal, because a session token can outlive the moment it was made.
"""

from __future__ import annotations

from collections.abc import Mapping

from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response

from compliance import links, selectors, services
from compliance.consent import (
    ConsentSubject,
    NoPolicyInEffect,
    client_ip,
    consent_state,
    forget_consent_state,
    record_choice,
)
from compliance.forms import DataSubjectRequestForm
from compliance.models import ConsentSource, DataSubjectRequest, RequestKind, RequestStatus
from compliance.regimes import Purpose, resolve_regime

PERSONAL_ACCESS = (
    "Signed in as the person (a browser session, with its CSRF token on writes, or an app's `X-Session-Token`). "
    "No partner key opens it."
)


def personal_schema(*, description: str = "", **kwargs):
    """`extend_schema` with who may call the endpoint: the person, never a partner key."""
    return extend_schema(description=f"{description}\n\n{PERSONAL_ACCESS}".strip(), **kwargs)


class ReauthenticationRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = gettext_lazy(
        "Confirm it is you first: enter your password (or a two-factor code) again, then send this request within "
        "a few minutes. Apps use /_allauth/app/v1/auth/reauthenticate with their session token."
    )
    default_code = "reauthentication_required"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy("This cannot be done right now. Please try again later.")
    default_code = "unavailable"


class StrictQueryMixin:
    """Unknown query parameters are a 400 on every method, as everywhere in the API."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.filter_queryset(self.get_queryset().none())


class KnownFields:
    """Mixed into a serializer that reads a request body: a field it does not take is a 400 naming it, rather than
    dropped silently (as in locales.api, which this app may not import)."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping) and self.parent is None:
            # A list, a string or a number where the body should be an object: named as the body, as null is.
            raise serializers.ValidationError({"body": [_("Send a JSON object with the fields this endpoint takes.")]})
        if isinstance(data, Mapping):
            accepted = sorted(name for name, field in self.fields.items() if not field.read_only)
            unknown = sorted(set(data) - set(accepted))
            if unknown:
                message = _("Unknown field. This accepts: %(fields)s.") % {"fields": ", ".join(accepted)}
                raise serializers.ValidationError({name: [message] for name in unknown})
        return super().to_internal_value(data)


def recently_reauthenticated(request) -> bool:
    """The portal's rule, read from the session this API request acts in: the browser's session, or the session
    behind an app's token (`request.auth`). A partner key has no session, so it never counts."""
    if not request.user.is_authenticated:
        return False
    if isinstance(request.auth, SessionBase):
        session = request.auth
    elif request.auth is None:
        session = getattr(request._request, "session", None)
    else:
        return False
    if session is None:
        return False
    probe = HttpRequest()
    probe.user = request.user
    probe.session = session
    return did_recently_reauthenticate(probe)


# Consent -------------------------------------------------------------------------------------------------------


class RegimeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    asks_first = serializers.BooleanField(help_text="Some purpose is opt-in here: off until you grant it.")


class PolicySerializer(serializers.Serializer):
    version = serializers.CharField()
    effective_on = serializers.DateField()


class PurposeStateSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Purpose.choices)
    name = serializers.CharField()
    description = serializers.CharField()
    necessary = serializers.BooleanField(help_text="Always on; it cannot be refused.")
    allowed = serializers.BooleanField(help_text="What applies now, your choice or your regime's default.")
    chosen = serializers.BooleanField(allow_null=True, help_text="Your last recorded choice; null if you made none.")
    source = serializers.CharField(allow_null=True, help_text="Where that choice was made: banner, api, gpc, …")
    locked_by_gpc = serializers.BooleanField(help_text="Your browser's Global Privacy Control refuses it here.")


class ConsentStateSerializer(serializers.Serializer):
    regime = RegimeSerializer()
    policy = PolicySerializer(allow_null=True)
    needs_choice = serializers.BooleanField(help_text="No choice yet, or only under an older policy.")
    purposes = PurposeStateSerializer(many=True)


class ConsentChoiceSerializer(KnownFields, serializers.Serializer):
    purposes = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Optional purposes by code, true to grant and false to refuse: analytics, marketing, "
        "personalisation.",
    )

    def validate_purposes(self, purposes: dict) -> dict:
        optional = {purpose.value for purpose in Purpose.optional()}
        errors = {}
        for code in purposes:
            if code == Purpose.NECESSARY:
                errors[code] = [_("Necessary processing cannot be refused: the site does not work without it.")]
            elif code not in optional:
                errors[code] = [_("Not a consent purpose. Choose among: %(codes)s.") % {"codes": ", ".join(optional)}]
        if errors:
            raise serializers.ValidationError(errors)
        if self.context.get("complete") and set(purposes) != optional:
            missing = ", ".join(sorted(optional - set(purposes)))
            raise serializers.ValidationError(_("PUT sets every purpose; missing: %(codes)s.") % {"codes": missing})
        return purposes


def consent_body(request) -> dict:
    state = consent_state(request)
    policy = selectors.policy_in_effect()
    purposes = []
    for purpose in selectors.consent_purposes():
        choice = None if purpose.is_necessary else state.choices.get(Purpose(purpose.code))
        purposes.append(
            {
                "code": purpose.code,
                "name": purpose.name,
                "description": purpose.description,
                "necessary": purpose.is_necessary,
                "allowed": state.allows(purpose.code),
                "chosen": choice.granted if choice else None,
                "source": choice.source if choice else None,
                "locked_by_gpc": not purpose.is_necessary and state.gpc_refuses(purpose.code),
            }
        )
    return ConsentStateSerializer(
        {
            "regime": {"code": state.regime.code, "name": str(state.regime.name), "asks_first": state.asks_first},
            "policy": policy,
            "needs_choice": state.needs_choice,
            "purposes": purposes,
        }
    ).data


CONSENT_EXAMPLE = {
    "regime": {"code": "gdpr", "name": "GDPR (EU/EEA)", "asks_first": True},
    "policy": {"version": "2026-11", "effective_on": "2026-11-01"},
    "needs_choice": False,
    "purposes": [
        {
            "code": "necessary",
            "name": "Necessary",
            "description": "Keeps the site working and secure. Always on.",
            "necessary": True,
            "allowed": True,
            "chosen": None,
            "source": None,
            "locked_by_gpc": False,
        },
        {
            "code": "analytics",
            "name": "Analytics",
            "description": "Counts visits and how pages are used, with a pseudonymous id.",
            "necessary": False,
            "allowed": True,
            "chosen": True,
            "source": "api",
            "locked_by_gpc": False,
        },
        {
            "code": "marketing",
            "name": "Marketing",
            "description": "Measures and tailors our advertising with partners.",
            "necessary": False,
            "allowed": False,
            "chosen": False,
            "source": "api",
            "locked_by_gpc": False,
        },
        {
            "code": "personalisation",
            "name": "Personalisation",
            "description": "Remembers what you looked at to suggest gifts and artists you may like.",
            "necessary": False,
            "allowed": False,
            "chosen": None,
            "source": None,
            "locked_by_gpc": False,
        },
    ],
}
"""A person in France who allowed analytics and refused marketing over the API."""
CONSENT_RESPONSE = OpenApiExample("Your choices", value=CONSENT_EXAMPLE, response_only=True, status_codes=["200"])


class ConsentView(StrictQueryMixin, generics.GenericAPIView):
    """Your consent per purpose, and changes to it: each change is a new row in the consent ledger."""

    serializer_class = ConsentChoiceSerializer
    queryset = DataSubjectRequest.objects.none()

    @personal_schema(
        summary="Your consent choices",
        description="The regime that applies to you, the policy in effect, and per purpose what is allowed now.",
        responses={200: ConsentStateSerializer},
        examples=[CONSENT_RESPONSE],
    )
    def get(self, request):
        return Response(consent_body(request))

    @personal_schema(
        summary="Grant or withdraw some purposes",
        description="Purposes left out keep their state. A withdrawal applies from the next request.",
        request=ConsentChoiceSerializer,
        responses={200: ConsentStateSerializer, 503: OpenApiResponse(description="No privacy policy is in effect.")},
        examples=[
            OpenApiExample("No marketing", value={"purposes": {"marketing": False}}, request_only=True),
            CONSENT_RESPONSE,
        ],
    )
    def patch(self, request):
        return self._choose(request, complete=False)

    @personal_schema(
        summary="Set every purpose",
        request=ConsentChoiceSerializer,
        responses={200: ConsentStateSerializer, 503: OpenApiResponse(description="No privacy policy is in effect.")},
        examples=[
            OpenApiExample(
                "Analytics only",
                value={"purposes": {"analytics": True, "marketing": False, "personalisation": False}},
                request_only=True,
            ),
            CONSENT_RESPONSE,
        ],
    )
    def put(self, request):
        return self._choose(request, complete=True)

    def _choose(self, request, *, complete: bool):
        serializer = ConsentChoiceSerializer(data=request.data, partial=not complete, context={"complete": complete})
        serializer.is_valid(raise_exception=True)
        choices = serializer.validated_data.get("purposes")
        if not choices:
            return Response(consent_body(request))
        state = consent_state(request)
        try:
            record_choice(
                subject=ConsentSubject(user_id=request.user.pk, visitor_id=state.subject.visitor_id),
                choices=choices,
                source=ConsentSource.API,
                regime=state.regime,
                gpc=state.gpc,
                ip_address=client_ip(request),
            )
        except NoPolicyInEffect as error:
            raise ServiceUnavailable(str(error)) from error
        forget_consent_state(request)
        return Response(consent_body(request))


# Data-subject requests -----------------------------------------------------------------------------------------


class RequestEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")
    at = serializers.DateTimeField()


class DataSubjectRequestSummarySerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    received_at = serializers.DateTimeField()
    deadline = serializers.DateField(help_text="The day the answer is due under your law, after any extension.")
    closed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, dsr: DataSubjectRequest) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:privacy_request", kwargs={"reference": dsr.reference})
        )


class DataSubjectRequestSerializer(DataSubjectRequestSummarySerializer):
    details = serializers.CharField()
    regime = serializers.CharField()
    due_on = serializers.DateField()
    extended_due_on = serializers.DateField(allow_null=True)
    extension_reason = serializers.CharField()
    resolution = serializers.CharField()
    export_available = serializers.SerializerMethodField()
    status_page = serializers.SerializerMethodField(
        help_text="The portal's page for this request, where an export is downloaded while it lasts."
    )
    events = RequestEventSerializer(many=True, source="visible_events", help_text="What happened, oldest first.")

    def get_export_available(self, dsr: DataSubjectRequest) -> bool:
        return services.export_is_available(dsr)

    def get_status_page(self, dsr: DataSubjectRequest) -> str:
        return links.status_url(dsr.reference, translation.get_language() or dsr.language)


class DataSubjectRequestCreateSerializer(KnownFields, serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    details = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a correction, what is wrong and what it should be; otherwise optional.",
    )

    def validate(self, attrs):
        # The portal's form holds the rules (a correction needs details); it is asked, not copied.
        form = DataSubjectRequestForm(attrs, signed_in=True)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): messages
                    for name, messages in form.errors.items()
                }
            )
        return form.cleaned_data


REQUEST_SUMMARY_EXAMPLE = {
    "reference": "cb39fc0e-54b8-4656-a98f-93ea1e93da14",
    "kind": "access",
    "status": "open",
    "received_at": "2026-11-20T10:00:00Z",
    "deadline": "2026-12-20",
    "closed_at": None,
    "url": "https://lagiftart.example/api/v1/privacy/requests/cb39fc0e-54b8-4656-a98f-93ea1e93da14/",
}
REQUEST_EXAMPLE = {
    **REQUEST_SUMMARY_EXAMPLE,
    "details": "",
    "regime": "gdpr",
    "due_on": "2026-12-20",
    "extended_due_on": None,
    "extension_reason": "",
    "resolution": "",
    "export_available": False,
    "status_page": "https://lagiftart.example/en/privacy/requests/status/cb39fc0e-54b8-4656-a98f-93ea1e93da14:XNOd6jELk/",
    "events": [
        {"kind": "filed", "label": "Filed", "at": "2026-11-20T10:00:00Z"},
        {"kind": "confirmed", "label": "Confirmed", "at": "2026-11-20T10:00:00Z"},
    ],
}
"""A request for a copy of one's data, filed over the API and confirmed at once."""


def _detail(request, dsr: DataSubjectRequest) -> dict:
    dsr.visible_events = selectors.subject_visible_events(dsr)
    return DataSubjectRequestSerializer(dsr, context={"request": request}).data


class DataSubjectRequestListView(generics.ListAPIView):
    """Your data-subject requests, newest first; and a new one (after confirming it is you)."""

    serializer_class = DataSubjectRequestSummarySerializer

    def get_queryset(self):
        return DataSubjectRequest.objects.filter(user_id=self.request.user.pk).order_by("-received_at", "-id")

    @personal_schema(
        summary="Your data-subject requests",
        description="Newest first, in pages; only your own.",
        examples=[
            OpenApiExample("A copy of my data", value=REQUEST_SUMMARY_EXAMPLE, response_only=True, status_codes=["200"])
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @personal_schema(
        summary="File a data-subject request",
        description=(
            "Confirmed at once, like a signed-in request on the privacy portal, so it needs a recent "
            "re-authentication in the session the call acts in (403 `reauthentication_required` otherwise). "
            "The deadline follows the law that applies to you."
        ),
        request=DataSubjectRequestCreateSerializer,
        responses={201: DataSubjectRequestSerializer},
        examples=[
            OpenApiExample("A copy of my data", value={"kind": "access"}, request_only=True),
            OpenApiExample("Filed", value=REQUEST_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        self.filter_queryset(self.get_queryset().none())
        serializer = DataSubjectRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not recently_reauthenticated(request):
            raise ReauthenticationRequired
        user = request.user
        try:
            dsr = services.file_request(
                kind=RequestKind(serializer.validated_data["kind"]),
                email=user.email,
                language=translation.get_language(),
                regime=resolve_regime(request),
                details=serializer.validated_data["details"],
                user_id=user.pk,
                visitor_id=consent_state(request).subject.visitor_id,
            )
        except services.RequestError as error:
            raise ServiceUnavailable(str(error)) from error
        response = Response(_detail(request, dsr), status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:privacy_request", kwargs={"reference": dsr.reference})
        return response


class DataSubjectRequestDetailView(StrictQueryMixin, generics.GenericAPIView):
    serializer_class = DataSubjectRequestSerializer

    def get_queryset(self):
        return DataSubjectRequest.objects.filter(user_id=self.request.user.pk)

    @personal_schema(
        summary="One of your data-subject requests, with what happened so far",
        description="Someone else's request is a 404, the same as one that does not exist.",
        responses={200: DataSubjectRequestSerializer, 404: OpenApiResponse(description="No such request of yours.")},
        examples=[OpenApiExample("Confirmed", value=REQUEST_EXAMPLE, response_only=True, status_codes=["200"])],
    )
    def get(self, request, reference):
        dsr = self.get_queryset().filter(reference=reference).first()
        if dsr is None:
            raise exceptions.NotFound(_("You have no request with this reference."))
        return Response(_detail(request, dsr))


urlpatterns = [
    path("consent/", ConsentView.as_view(), name="consent"),
    path("privacy/requests/", DataSubjectRequestListView.as_view(), name="privacy_requests"),
    path("privacy/requests/<uuid:reference>/", DataSubjectRequestDetailView.as_view(), name="privacy_request"),
]
