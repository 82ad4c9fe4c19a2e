"""The back office's account screens: users with their address books, and partners' API keys."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from accounts import api_keys
from accounts.models import Address, ApiKey, ApiScope, User


class AddressInline(admin.TabularInline):
    """The user's address book, read-only: addresses change through the owner's pages, which check them."""

    model = Address
    extra = 0
    can_delete = False
    fields = ["recipient_name", "country", "city", "postal_code", "is_default", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, keyed by email instead of username."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "preferred_language", "preferred_currency")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [AddressInline]


class ApiKeyCreationForm(forms.ModelForm):
    """A new key: whose account (by email), what for, which scopes, until when. The key itself is made on save."""

    partner_email = forms.EmailField(
        label=_("Partner account email"),
        help_text=_("The key acts as this account: orders it places are this account's orders."),
    )
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["partner_email", "name", "scopes", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].initial = lambda: timezone.now() + api_keys.DEFAULT_LIFETIME
        self.fields["expires_at"].help_text = _("A year from today unless you choose sooner.")

    def clean_partner_email(self):
        email = self.cleaned_data["partner_email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(_("No account has this email address. The partner signs up first."))
        if not user.is_active:
            raise ValidationError(_("This account is disabled."))
        self.partner = user
        return email

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise ValidationError(_("The expiry must be in the future."))
        return expires_at


class ApiKeyChangeForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "expires_at"]


class ApiKeyStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("usable", _("Usable")), ("expired", _("Expired")), ("revoked", _("Revoked"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "usable":
            return queryset.usable(now)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Partners' API keys. Adding one shows the full key once, on the page that answers the form, and never again:
    only a digest is stored. Keys are revoked, not deleted, so the list stays the record of who had access."""

    list_display = ["name", "prefix", "partner", "scope_list", "expires_at", "last_used_at", "state"]
    list_filter = [ApiKeyStateFilter]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    readonly_fields = ["partner", "prefix", "scope_list", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ApiKeyChangeForm if obj is not None else ApiKeyCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner_email", "name", "scopes", "expires_at"]
        return ["name", "partner", "prefix", "scope_list", "expires_at", *self.readonly_fields[3:]]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("partner account"), ordering="user__email")
    def partner(self, key: ApiKey) -> str:
        return key.user.email

    @admin.display(description=_("scopes"))
    def scope_list(self, key: ApiKey) -> str:
        return ", ".join(key.scopes)

    @admin.display(description=_("state"))
    def state(self, key: ApiKey) -> str:
        if key.is_revoked:
            return str(_("Revoked"))
        return str(_("Expired")) if key.is_expired() else str(_("Usable"))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, full_key = api_keys.issue_api_key(
            user=form.partner,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
            created_by=request.user,
        )
        for field in ApiKey._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding = False
        obj._state.db = key._state.db
        obj.full_key = full_key

    def response_add(self, request, obj, post_url_continue=None):
        """The one page that ever shows the full key: rendered from memory, never stored, never cached."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "full_key": obj.full_key,
            "title": _("Copy the new API key now"),
        }
        response = TemplateResponse(request, "admin/accounts/apikey/created.html", context)
        add_never_cache_headers(response)  # no-store: no cache, proxy or back button keeps it
        return response

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        keys = list(queryset.filter(revoked_at__isnull=True))
        revoked = api_keys.revoke_api_keys(keys)
        for key in keys:
            self.log_change(request, key, [{"changed": {"fields": ["revoked_at"]}}])
        self.message_user(
            request, _("%(count)d keys revoked: they stop working at once.") % {"count": revoked}, messages.SUCCESS
        )
