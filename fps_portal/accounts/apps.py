from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fps_portal.accounts"
    label = "accounts"
    verbose_name = "People and organisations"
