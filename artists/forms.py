"""The "Become an artist" form: what an applicant sends, each picture checked with Pillow before it is stored."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from artists.selectors import application_markets

PORTFOLIO_MAX_IMAGES = 5
PORTFOLIO_MAX_BYTES = 5 * 1024 * 1024
PORTFOLIO_FORMATS = {"JPEG", "PNG", "WEBP"}


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PortfolioField(forms.ImageField):
    """Several pictures in one input; each is opened by Pillow (Django's ImageField) and its format and size
    checked, so a renamed PDF or a 40 MB scan is refused with a message naming the file."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > PORTFOLIO_MAX_IMAGES:
            raise ValidationError(
                _("Send at most %(count)d pictures.") % {"count": PORTFOLIO_MAX_IMAGES}, code="too_many"
            )
        return [self.clean_one(upload) for upload in files]

    def clean_one(self, upload):
        if upload.size > PORTFOLIO_MAX_BYTES:
            raise ValidationError(
                _("%(name)s is larger than %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(PORTFOLIO_MAX_BYTES)},
                code="too_large",
            )
        try:
            checked = super().clean(upload)
        except ValidationError as error:
            raise ValidationError(
                _("%(name)s is not a picture we can open (JPEG, PNG or WebP).") % {"name": upload.name},
                code="invalid_image",
            ) from error
        if getattr(checked.image, "format", None) not in PORTFOLIO_FORMATS:
            raise ValidationError(
                _("%(name)s is not a JPEG, PNG or WebP picture.") % {"name": upload.name}, code="invalid_format"
            )
        checked.seek(0)
        return checked


class ArtistApplicationForm(forms.Form):
    name = forms.CharField(label=_("Your name, as buyers will see it"), max_length=120)
    email = forms.EmailField(label=_("Email"))
    home_locale = forms.ModelChoiceField(
        label=_("Where you live and work"), queryset=application_markets(), empty_label=_("Choose a region")
    )
    craft = forms.CharField(
        label=_("Your craft"), max_length=120, help_text=_("Such as ceramics, weaving, woodblock prints.")
    )
    statement = forms.CharField(
        label=_("About you and your work"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Your tradition, your materials, what buyers should know. 4000 characters at most."),
    )
    portfolio = PortfolioField(
        label=_("Portfolio"),
        help_text=_("Up to 5 pictures of your work, JPEG, PNG or WebP, 5 MB each at most."),
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the artist terms and agree that LaGiftArt keeps this application to review it."),
        required=True,
    )
