import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookit.settings")
application = get_wsgi_application()

# The garbage collector, tuned for a server whose requests free their objects by reference
# counting (bookit.middleware.ReleaseOnCloseMiddleware; issue 15, docs/performance.md):
# - what is loaded by now (Django, the apps, the URLconf's modules) lives as long as the process:
#   frozen, full collections no longer walk it;
# - a collection of the youngest objects every 7,000 net allocations instead of 700: a request's
#   objects are mostly freed before one starts, and fewer survivors are promoted (each
#   promotion brings the next full collection closer). Cycles are still collected.
gc.freeze()
gc.set_threshold(7000, 10, 10)
