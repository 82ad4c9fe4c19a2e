"""Forms of the privacy pages: the banner's two buttons, the preferences page and data-subject requests."""

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.consent import ConsentState
from compliance.models import ConsentPurpose, RequestKind
from compliance.regimes import Purpose


class BannerChoiceForm(forms.Form):
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"

    choice = forms.ChoiceField(choices=[(ACCEPT_ALL, _("Accept all")), (REJECT_ALL, _("Reject all"))])
    next = forms.CharField(required=False, max_length=2000)


class ConsentPreferencesForm(forms.Form):
    """One checkbox per optional purpose, set to what applies now; a purpose GPC refuses cannot be ticked."""

    def __init__(self, *args, purposes: list[ConsentPurpose], state: ConsentState, **kwargs):
        super().__init__(*args, **kwargs)
        self.purposes = [purpose for purpose in purposes if not purpose.is_necessary]
        for purpose in self.purposes:
            self.fields[purpose.code] = forms.BooleanField(
                label=purpose.name,
                help_text=purpose.description,
                required=False,
                initial=state.allows(purpose.code),
                disabled=state.gpc_refuses(purpose.code),
            )

    def choices(self) -> dict[Purpose, bool]:
        return {Purpose(code): bool(value) for code, value in self.cleaned_data.items()}


class DataSubjectRequestForm(forms.Form):
    """File a request. A signed-in person files for their own account, so the form asks them for no address."""

    kind = forms.ChoiceField(
        label=_("What would you like us to do?"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send a link to this address to confirm the request is yours."),
        max_length=254,
    )
    details = forms.CharField(
        label=_("Details"),
        help_text=_("For a correction, say what is wrong and what it should be. Otherwise optional."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["email"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RequestKind.RECTIFICATION and not cleaned.get("details", "").strip():
            self.add_error("details", _("Tell us what to correct."))
        return cleaned
