"""The privacy pages a data subject reads and uses: the notice, consent choices, and data-subject requests."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from compliance import links, selectors, services
from compliance.consent import (
    VISITOR_COOKIE,
    VISITOR_COOKIE_MAX_AGE,
    ConsentSubject,
    NoPolicyInEffect,
    accept_all,
    client_ip,
    consent_state,
    forget_consent_state,
    new_visitor_id,
    record_choice,
    reject_all,
)
from compliance.forms import BannerChoiceForm, ConsentPreferencesForm, DataSubjectRequestForm
from compliance.models import ConsentSource, RequestKind
from compliance.regimes import resolve_regime


@require_safe
def notice(request):
    """The privacy notice: the policy in effect, the purposes a visitor may choose, and the subject's rights."""
    regime = resolve_regime(request)
    return render(
        request,
        "compliance/notice.html",
        {
            "policy": selectors.policy_in_effect(),
            "purposes": selectors.consent_purposes(),
            "regime": regime,
        },
    )


@require_POST
def consent(request):
    """The banner's Accept all / Reject all: one click each, recorded at once, back to the page it came from."""
    form = BannerChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose “Accept all” or “Reject all”."))
    choices = accept_all() if form.cleaned_data["choice"] == BannerChoiceForm.ACCEPT_ALL else reject_all()
    response = redirect(_safe_next(request, form.cleaned_data["next"]))
    _save_choice(request, response, choices, ConsentSource.BANNER)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """Change any consent at any time; a withdrawal applies from the very next request."""
    state = consent_state(request)
    purposes = selectors.consent_purposes()
    form = ConsentPreferencesForm(request.POST or None, purposes=purposes, state=state)
    if request.method == "POST" and form.is_valid():
        response = redirect("compliance:preferences")
        _save_choice(request, response, form.choices(), ConsentSource.PREFERENCES)
        return response
    return render(
        request,
        "compliance/preferences.html",
        {"form": form, "state": state, "necessary": [p for p in purposes if p.is_necessary]},
    )


def _save_choice(request, response, choices, source) -> None:
    """Record the choice for this visitor; the pseudonymous visitor cookie is set now, after a choice, never before."""
    state = consent_state(request)
    visitor_id = state.subject.visitor_id or new_visitor_id()
    subject = ConsentSubject(user_id=state.subject.user_id, visitor_id=visitor_id)
    try:
        record_choice(
            subject=subject,
            choices=choices,
            source=source,
            regime=state.regime,
            gpc=state.gpc,
            ip_address=client_ip(request),
        )
    except NoPolicyInEffect as error:
        messages.error(request, str(error))
        return
    forget_consent_state(request)
    if visitor_id != state.subject.visitor_id:
        _set_visitor_cookie(request, response, visitor_id)
    messages.success(request, _("Your privacy choices are saved."))


def _set_visitor_cookie(request, response, visitor_id: str) -> None:
    response.set_cookie(
        VISITOR_COOKIE,
        visitor_id,
        max_age=VISITOR_COOKIE_MAX_AGE,
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("compliance:preferences")


def _signed_in(request) -> bool:
    return request.user.is_authenticated


@require_http_methods(["GET", "HEAD", "POST"])
@reauthentication_required(allow_get=True, enabled=_signed_in)
def file_request(request):
    """The data-subject request portal. Anyone files with an email address and confirms by a one-time link; a
    signed-in person confirms by entering their password again (allauth's re-authentication) instead."""
    signed_in = request.user.is_authenticated
    regime = resolve_regime(request)
    form = DataSubjectRequestForm(request.POST or None, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        kind = RequestKind(form.cleaned_data["kind"])
        visitor_id = consent_state(request).subject.visitor_id
        new_visitor = kind == RequestKind.DO_NOT_SELL_OR_SHARE and not visitor_id
        if new_visitor:
            # Opting out is a choice about this browser too; it is remembered like any other consent choice.
            visitor_id = new_visitor_id()
        try:
            dsr = services.file_request(
                kind=kind,
                email=request.user.email if signed_in else form.cleaned_data["email"],
                language=translation.get_language(),
                regime=regime,
                details=form.cleaned_data["details"],
                user_id=request.user.pk if signed_in else None,
                visitor_id=visitor_id,
            )
        except services.RequestError as error:
            form.add_error(None, str(error))
        else:
            if signed_in:
                response = redirect("compliance:request_status", key=links.status_key(dsr.reference))
            else:
                response = redirect("compliance:request_sent")
            if new_visitor:
                _set_visitor_cookie(request, response, visitor_id)
            return response
    return render(request, "compliance/request_form.html", {"form": form, "regime": regime, "signed_in": signed_in})


@require_safe
def request_sent(request):
    """After filing: the same words whether or not the address is known to us."""
    return render(
        request, "compliance/request_sent.html", {"hours": int(services.CONFIRMATION_LIFETIME.total_seconds() // 3600)}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_request(request, token: str):
    """The one-time link. Opening it only shows a button: mail scanners that fetch links cannot use it up."""
    try:
        dsr = services.request_for_confirmation(token)
        if request.method == "POST":
            dsr = services.confirm_request(token=token)
            return redirect("compliance:request_status", key=links.status_key(dsr.reference))
    except services.InvalidConfirmation as error:
        return _private(render(request, "compliance/confirm_invalid.html", {"message": str(error)}, status=410))
    return _private(render(request, "compliance/request_confirm.html", {"dsr": dsr}))


def _request_for_key(request, key: str):
    """The request a status key opens, for its subject only; 404 for anything else, so nothing leaks."""
    reference = links.reference_from_status_key(key)
    dsr = selectors.request_by_reference(reference) if reference else None
    if dsr is None:
        raise Http404
    if dsr.user_id is not None and request.user.is_authenticated and request.user.pk != dsr.user_id:
        raise Http404
    return dsr


@never_cache
@require_safe
def request_status(request, key: str):
    """Where a subject follows their request: its deadline under their law, what happened, and their export."""
    dsr = _request_for_key(request, key)
    return _private(
        render(
            request,
            "compliance/request_status.html",
            {
                "dsr": dsr,
                "events": selectors.subject_visible_events(dsr),
                "export_available": services.export_is_available(dsr),
                "today": timezone.localdate(),
            },
        )
    )


@never_cache
@require_safe
def download_export(request, key: str):
    """The subject's ZIP, through a link only they hold; expired or erased exports are gone for good."""
    dsr = _request_for_key(request, key)
    if not services.export_is_available(dsr):
        raise Http404
    services.record_download(dsr)
    storage = services.private_storage()
    try:
        # In production the private bucket signs a short-lived URL; local disk has no URL and is streamed.
        return _private(HttpResponseRedirect(storage.url(dsr.export_file)))
    except ValueError:
        filename = f"{settings.SITE_NAME.lower()}-data-{timezone.localdate():%Y-%m-%d}.zip"
        response = FileResponse(storage.open(dsr.export_file, "rb"), as_attachment=True, filename=filename)
        return _private(response)


def _private(response):
    """Pages reached by a secret link: never cached, never indexed, never sent to another site as a referrer.

    `same-origin` rather than `no-referrer`, which makes Chromium send `Origin: null` and fail the page's own forms'
    CSRF check.
    """
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response
