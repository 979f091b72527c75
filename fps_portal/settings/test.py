"""The test suite: the database and broker come from DATABASE_URL / REDIS_URL when set."""

from fps_portal.settings.base import *  # noqa: F403
from fps_portal.settings.base import INSTALLED_APPS, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process, after commit, exactly as a worker would run them; the worker itself is
# exercised by the integration tests marked `worker`.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Demo data: installed and allowed here, never in base or production settings.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
FPS_DEMO_DATA_ALLOWED = True

# One process runs the suite, so the cache is its own memory whatever REDIS_URL says: sign-in
# lockouts and rate limits are counted there (django-axes' cache handler, as in production), and
# tests/conftest.py empties it before each test so no test inherits another's counts.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
# axes.W001 warns that a per-process cache is not shared between processes: true, and harmless
# for a single test process.
SILENCED_SYSTEM_CHECKS = ["axes.W001"]

# tests/conftest.py resets axes before every test, and axes logs each reset at INFO; a failing
# test's captured log should show what the test did, not that housekeeping.
LOGGING = {**LOGGING, "loggers": {**LOGGERS, "axes": {"level": "WARNING"}}}  # noqa: F405
