from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness: the process answers. Readiness (database, cache) is /readyz."""
    return JsonResponse({"status": "ok"})
