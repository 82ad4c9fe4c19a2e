"""Account pages: the profile and the address book. Every page needs a signed-in user and shows only their own data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import ADDRESS_FIELDS, AddressForm, ProfileForm

CHANGE_COUNTRY = "change_country"
"""Name of the address form's button that redraws the form for another country without saving."""


def _show_service_errors(form, error: ValidationError) -> None:
    """A service's refusal, shown beside the fields it names (or above the form for anything else)."""
    for name, messages_for_field in (
        error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    ):
        form.add_error(name if name in form.fields else None, messages_for_field)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.update_profile(
                user=request.user,
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
                preferred_currency=form.cleaned_data["preferred_currency"],
            )
        except ValidationError as error:
            _show_service_errors(form, error)
        else:
            # The page comes back in the language just chosen, and says so in that language.
            with translation.override(user.preferred_language):
                messages.success(request, _("Your profile is saved."))
            return redirect(translate_url(reverse("accounts:profile"), user.preferred_language))
    return render(request, "accounts/profile.html", {"form": form, "section": "profile"})


@login_required
def address_list(request):
    addresses = selectors.addresses_for(request.user)
    return render(request, "accounts/address_list.html", {"addresses": addresses, "section": "addresses"})


def _address_form(request, address=None) -> AddressForm:
    """The form for this request; after "change country", redrawn for the new country with what was typed."""
    if request.method != "POST":
        return AddressForm(instance=address, country=request.GET.get("country"))
    if CHANGE_COUNTRY in request.POST:
        typed = {name: request.POST.get(name, "") for name in ADDRESS_FIELDS if name in request.POST}
        return AddressForm(instance=address, initial=typed, country=request.POST.get("country", ""))
    return AddressForm(request.POST, instance=address)


def _save_address(request, form: AddressForm, address=None):
    """Run the service for a valid form; None (with the errors on the form) when the service refuses."""
    try:
        if address is None:
            return services.add_address(user=request.user, **form.address_details())
        return services.update_address(address=address, **form.address_details())
    except ValidationError as error:
        _show_service_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request):
    form = _address_form(request)
    if form.is_bound and form.is_valid() and _save_address(request, form):
        messages.success(request, _("The address is in your address book."))
        return redirect("accounts:addresses")
    context = {"form": form, "section": "addresses", "change_country": CHANGE_COUNTRY}
    return render(request, "accounts/address_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request, pk: int):
    address = get_object_or_404(selectors.addresses_for(request.user), pk=pk)
    form = _address_form(request, address)
    if form.is_bound and form.is_valid() and _save_address(request, form, address):
        messages.success(request, _("The address is saved."))
        return redirect("accounts:addresses")
    context = {"form": form, "address": address, "section": "addresses", "change_country": CHANGE_COUNTRY}
    return render(request, "accounts/address_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def address_delete(request, pk: int):
    address = get_object_or_404(selectors.addresses_for(request.user), pk=pk)
    if request.method == "POST":
        services.delete_address(address=address)
        messages.success(request, _("The address is deleted."))
        return redirect("accounts:addresses")
    return render(request, "accounts/address_confirm_delete.html", {"address": address, "section": "addresses"})


@login_required
@require_POST
def address_set_default(request, pk: int):
    address = get_object_or_404(selectors.addresses_for(request.user), pk=pk)
    services.set_default_address(address=address)
    messages.success(request, _("This is now your default address."))
    return redirect("accounts:addresses")
