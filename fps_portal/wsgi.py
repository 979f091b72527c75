import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.production")
application = get_wsgi_application()

# What loading the application made (modules, URL patterns, templates, settings) lives as long as
# the process. Every full collection of Python's cyclic garbage collector would walk all of it
# again, and a request leaves a few thousand cyclic objects behind (related-object caches), so one
# request in thirty or so paid 60-90 ms for it on the benchmark machine. Frozen, it is left out of
# collections; a full collection then takes 5-7 ms.
gc.collect()
gc.freeze()
