"""The back office for the platform administrator: people, organisations, memberships.

Each page works under Django's model permissions (a staff account without them sees and changes
nothing), and every add, change and delete is audited (`AuditedModelAdmin`).
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from fps_portal.accounts.models import Membership, Organisation, User
from fps_portal.audit.back_office import AuditedModelAdmin, record_back_office_change, record_of


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    # Read-only: the form's round trip would drop the microseconds and record a false change.
    readonly_fields = ["created_at"]


class PortalUserCreationForm(UserCreationForm[User]):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class PortalUserChangeForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = ["email", "full_name", "is_active", "is_staff"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "created_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "created_at"]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Django's password form saves outside a transaction; here the change and its audit row
        # (that it changed, never the hash) commit together.
        request._audit_password_set = True  # type: ignore[attr-defined]
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        if getattr(request, "_audit_password_set", False):
            record_back_office_change(
                request, obj, before=record_of(obj), after=record_of(obj), reason="password set"
            )
        return entry


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "ons_code", "dfe_code", "is_lead"]
    list_filter = ["kind", "is_lead"]
    search_fields = ["name", "legal_name", "ons_code", "dfe_code", "companies_house_number"]
    readonly_fields = ["created_at"]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "organisation", "role", "senior_position", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["created_at"]


# An administrator removes a person's authenticator app or recovery codes when they lose their
# phone: a change to how someone proves who they are, so it is audited like every other (the
# django-otp admins are registered before this app's, in INSTALLED_APPS order).
class AuditedTOTPDeviceAdmin(AuditedModelAdmin, TOTPDeviceAdmin):
    pass


class AuditedStaticDeviceAdmin(AuditedModelAdmin, StaticDeviceAdmin):
    pass


for _model, _admin in (
    (TOTPDevice, AuditedTOTPDeviceAdmin),
    (StaticDevice, AuditedStaticDeviceAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
