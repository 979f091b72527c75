from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data. It sits outside the app chain because it composes all of them."""

    name = "demo"
    verbose_name = "Demo data"
