"""A visitor's consent: what they chose, what their regime assumes, and the one question the rest of the code asks.

Other apps call `has_consent(request, purpose)` and nothing else. The answer combines, in this order:
`necessary` is always allowed; a `Sec-GPC: 1` header refuses sale-or-sharing purposes where the regime says GPC is
an opt-out; the subject's latest choice in the ledger; and, with no choice yet, the regime's model (opt-in: no,
opt-out: yes). The state is read once per request (one query, none for a visitor who never chose) and kept on it.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from compliance.models import ConsentPurpose, ConsentRecord, ConsentSource, PolicyVersion
from compliance.regimes import ConsentModel, Purpose, Regime, resolve_regime
from compliance.selectors import policy_in_effect

VISITOR_COOKIE = "consent_visitor"
# Thirteen months: long enough to remember a choice, short enough that nobody is held to it for ever.
VISITOR_COOKIE_MAX_AGE = 395 * 24 * 3600
_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_STATE_ATTRIBUTE = "_compliance_consent_state"


class NoPolicyInEffect(Exception):
    """No privacy policy version is in effect, so a choice cannot say what the person agreed to."""

    def __init__(self):
        super().__init__(_("Consent cannot be recorded right now. Please try again later."))


@dataclass(frozen=True)
class ConsentSubject:
    """Whose choice it is: the account when signed in, and the browser's pseudonymous visitor id when it has one."""

    user_id: int | None = None
    visitor_id: str = ""

    @property
    def is_known(self) -> bool:
        return self.user_id is not None or bool(self.visitor_id)


@dataclass(frozen=True)
class Choice:
    granted: bool
    source: str
    policy_version_id: int


@dataclass(frozen=True)
class ConsentState:
    """Everything `has_consent` needs for one visitor, read once."""

    regime: Regime
    gpc: bool
    subject: ConsentSubject
    choices: Mapping[Purpose, Choice] = field(default_factory=dict)
    current_policy_id: int | None = None

    def allows(self, purpose: Purpose | str) -> bool:
        purpose = Purpose(purpose)
        if purpose is Purpose.NECESSARY:
            return True
        if self.gpc_refuses(purpose):
            return False
        choice = self.choices.get(purpose)
        if choice is not None:
            return choice.granted
        return self.regime.consent_model(purpose) is ConsentModel.OPT_OUT

    def gpc_refuses(self, purpose: Purpose | str) -> bool:
        """The browser's Global Privacy Control opts out of `purpose` in this regime."""
        return self.gpc and self.regime.gpc_opts_out_of_sale and Purpose(purpose).is_sale_or_sharing

    @property
    def asks_first(self) -> bool:
        """Some purpose here is opt-in: nothing beyond the necessary happens before a choice."""
        return self.regime.asks_first

    @property
    def gpc_honored(self) -> bool:
        """The browser sends GPC and this regime treats it as an opt-out of sale and sharing."""
        return self.gpc and self.regime.gpc_opts_out_of_sale

    @property
    def has_chosen(self) -> bool:
        return bool(self.choices)

    @property
    def needs_choice(self) -> bool:
        """Show the banner: no choice yet, or the last one was made under an older policy."""
        if not self.choices:
            return True
        if self.current_policy_id is None:
            return False
        return all(choice.policy_version_id != self.current_policy_id for choice in self.choices.values())


def gpc_signal(request) -> bool:
    """The browser sends Global Privacy Control (`Sec-GPC: 1`)."""
    return request.headers.get("Sec-GPC", "").strip() == "1"


def visitor_id_from(request) -> str:
    """The pseudonymous id in the consent cookie, if the browser has made a choice; '' otherwise."""
    value = request.COOKIES.get(VISITOR_COOKIE, "")
    return value if _VISITOR_ID.match(value) else ""


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def consent_subject(request) -> ConsentSubject:
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    return ConsentSubject(user_id=user_id, visitor_id=visitor_id_from(request))


def _current_policy_id_subquery():
    return Subquery(
        PolicyVersion.objects.filter(effective_on__lte=timezone.localdate())
        .order_by("-effective_on", "-id")
        .values("id")[:1]
    )


def latest_choices(subject: ConsentSubject) -> tuple[dict[Purpose, Choice], int | None]:
    """The subject's latest choice per purpose and the policy in effect, in one query (none for an unknown one)."""
    if not subject.is_known:
        return {}, None
    rows = (
        ConsentRecord.objects.for_subject(user_id=subject.user_id, visitor_id=subject.visitor_id)
        .annotate(current_policy_id=_current_policy_id_subquery())
        .order_by("recorded_at", "id")
        .values_list("purpose__code", "granted", "source", "policy_version_id", "current_policy_id")
    )
    choices: dict[Purpose, Choice] = {}
    current_policy_id = None
    for code, granted, source, policy_version_id, policy_now in rows:
        current_policy_id = policy_now
        if code in Purpose.values:
            choices[Purpose(code)] = Choice(granted=granted, source=source, policy_version_id=policy_version_id)
    return choices, current_policy_id


def consent_state(request) -> ConsentState:
    """The visitor's consent state, read on first use and kept on the request."""
    state = getattr(request, _STATE_ATTRIBUTE, None)
    if state is None:
        subject = consent_subject(request)
        choices, current_policy_id = latest_choices(subject)
        state = ConsentState(
            regime=resolve_regime(request),
            gpc=gpc_signal(request),
            subject=subject,
            choices=MappingProxyType(choices),
            current_policy_id=current_policy_id,
        )
        state = _apply_gpc_to_known_subject(request, state)
        setattr(request, _STATE_ATTRIBUTE, state)
    return state


def forget_consent_state(request) -> None:
    """Drop the cached state so the next question reads the ledger again (after a new choice)."""
    if hasattr(request, _STATE_ATTRIBUTE):
        delattr(request, _STATE_ATTRIBUTE)


def has_consent(request, purpose: Purpose | str) -> bool:
    """May we process this visitor's data for `purpose`? The one function other code calls.

    Raises ValueError for a purpose that does not exist, so a typo fails loudly instead of silently refusing.
    """
    purpose = Purpose(purpose)
    if purpose is Purpose.NECESSARY:
        return True
    return consent_state(request).allows(purpose)


def _apply_gpc_to_known_subject(request, state: ConsentState) -> ConsentState:
    """Where GPC is an opt-out (CCPA regs 7025), it also reaches the account: when a subject who granted a
    sale-or-sharing purpose sends the signal, the withdrawal is written to the ledger once.

    Only subjects with choices on record are written for: a visitor who never chose is refused statelessly, and
    nothing is recorded about them.
    """
    if not (state.gpc and state.regime.gpc_opts_out_of_sale and state.choices and state.current_policy_id):
        return state
    granted = [purpose for purpose, choice in state.choices.items() if purpose.is_sale_or_sharing and choice.granted]
    if not granted:
        return state
    _append(
        subject=state.subject,
        decisions={purpose: False for purpose in granted},
        source=ConsentSource.GPC,
        regime=state.regime,
        policy_version_id=state.current_policy_id,
        ip_prefix=truncated_ip(client_ip(request)),
    )
    choices = dict(state.choices)
    for purpose in granted:
        choices[purpose] = Choice(granted=False, source=ConsentSource.GPC, policy_version_id=state.current_policy_id)
    return ConsentState(
        regime=state.regime,
        gpc=state.gpc,
        subject=state.subject,
        choices=MappingProxyType(choices),
        current_policy_id=state.current_policy_id,
    )


def _append(*, subject, decisions, source, regime, policy_version_id, ip_prefix) -> list[ConsentRecord]:
    purposes = {purpose.code: purpose for purpose in ConsentPurpose.objects.filter(code__in=list(decisions))}
    for code in decisions.keys() - purposes.keys():
        # The purposes live in code; a missing row (a fresh table, a flushed test database) is made, never skipped.
        with translation.override(settings.LANGUAGE_CODE):
            purposes[code] = ConsentPurpose.objects.create(code=code, name=str(Purpose(code).label))
    now = timezone.now()
    records = [
        ConsentRecord(
            user_id=subject.user_id,
            visitor_id=subject.visitor_id,
            purpose=purposes[code],
            granted=granted,
            policy_version_id=policy_version_id,
            source=source,
            regime=regime.code,
            recorded_at=now,
            ip_prefix=ip_prefix,
        )
        for code, granted in decisions.items()
    ]
    return ConsentRecord.objects.bulk_create(records)


@transaction.atomic
def record_choice(
    *,
    subject: ConsentSubject,
    choices: Mapping[Purpose | str, bool],
    source: ConsentSource,
    regime: Regime,
    gpc: bool = False,
    ip_address: str | None = None,
) -> list[ConsentRecord]:
    """Append a subject's choices to the ledger and return the new records.

    A purpose whose state does not change adds no row; a first choice records every purpose it names, refusals
    included, so the ledger proves the refusal too. Where GPC is an opt-out and the browser sends it, a
    sale-or-sharing purpose is recorded as refused, with source `gpc`, whatever the form said.
    """
    if not subject.is_known:
        raise ValueError("A consent choice needs a user id or a visitor id.")
    policy = policy_in_effect()
    if policy is None:
        raise NoPolicyInEffect
    previous, _current = latest_choices(subject)
    wanted: dict[Purpose, tuple[bool, ConsentSource]] = {}
    for purpose, granted in choices.items():
        purpose = Purpose(purpose)
        if purpose is Purpose.NECESSARY:
            continue
        if gpc and regime.gpc_opts_out_of_sale and purpose.is_sale_or_sharing:
            wanted[purpose] = (False, ConsentSource.GPC)
        else:
            wanted[purpose] = (bool(granted), source)
    changed = {
        purpose: decision
        for purpose, decision in wanted.items()
        if purpose not in previous or previous[purpose].granted != decision[0]
    }
    if not changed and any(previous[purpose].policy_version_id != policy.pk for purpose in wanted):
        # Nothing changed, but the choice was made under an older policy: the reconfirmation is recorded.
        changed = wanted
    ip_prefix = truncated_ip(ip_address)
    common = {"subject": subject, "regime": regime, "policy_version_id": policy.pk, "ip_prefix": ip_prefix}
    records = []
    for record_source in {decision[1] for decision in changed.values()}:
        decisions = {purpose.value: granted for purpose, (granted, s) in changed.items() if s == record_source}
        records += _append(decisions=decisions, source=record_source, **common)
    return records


def accept_all() -> dict[Purpose, bool]:
    return dict.fromkeys(Purpose.optional(), True)


def reject_all() -> dict[Purpose, bool]:
    return dict.fromkeys(Purpose.optional(), False)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our proxies the X-Forwarded-For entry they appended.

    Uses the proxy count allauth's rate limits use (ALLAUTH_TRUSTED_PROXY_COUNT), so both agree on who the client is.
    """
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("X-Forwarded-For", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        return hops[-proxies] if len(hops) >= proxies else None
    return request.META.get("REMOTE_ADDR")


def truncated_ip(address: str | None) -> str:
    """The network an address belongs to, /24 for IPv4 and /48 for IPv6: enough to spot abuse, not a person."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
