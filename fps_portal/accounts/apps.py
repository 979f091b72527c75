from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "fps_portal.accounts"
    label = "accounts"
    verbose_name = "People and organisations"


class OTPAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the back office as its default site: every app's
    `admin.site.register` lands on a site that refuses a session without a verified second
    factor."""

    default = False  # named explicitly in INSTALLED_APPS; AccountsConfig stays this module's
    default_site = "fps_portal.accounts.admin_site.BackOfficeSite"
