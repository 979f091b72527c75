"""The one check every demo loader makes before it writes: demo data (and its accounts with a
published password) is loaded only where the settings say so in as many words.

`FPS_DEMO_DATA_ALLOWED` is True in the development and test settings only; it is not read from
the environment, so no deployment can switch it on by a variable.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DemoDataNotAllowed(ImproperlyConfigured):
    """Raised by the demo loaders when the settings do not allow demo data."""


def require_demo_data_allowed() -> None:
    if not getattr(settings, "FPS_DEMO_DATA_ALLOWED", False):
        raise DemoDataNotAllowed(
            "Demo data is not allowed with these settings (FPS_DEMO_DATA_ALLOWED is off); "
            "it is loaded only with the development or test settings."
        )
