"""The local demo (`make run`): debug pages on, everything else as in base."""

from fps_portal.settings.base import *  # noqa: F403
from fps_portal.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
