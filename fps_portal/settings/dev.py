"""The local demo (`make run`): debug pages on, everything else as in base."""

from fps_portal.settings.base import *  # noqa: F403
from fps_portal.settings.base import INSTALLED_APPS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Demo data: installed and allowed here, never in base or production settings.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
FPS_DEMO_DATA_ALLOWED = True
