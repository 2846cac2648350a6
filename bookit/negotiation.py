"""DRF's content negotiation, with the answer to the usual request known without parsing.

Every API request negotiates its renderer: DRF builds the request's header mapping and query
dict and parses the Accept header into media types, about 2 % of a booking POST's CPU. For a
request that states no preference (no Accept, ``*/*``) or asks for JSON, with no format
override in the URL, the answer is always the first renderer when that renderer is JSON:
(JSON renderer, ``application/json``), exactly what DRF returns. Anything else (another
Accept header, a ``?format=``, a view with other renderers, a query string that could
spell the override in percent-escapes) goes through DRF's own negotiation.
"""

from rest_framework.negotiation import DefaultContentNegotiation

JSON = "application/json"
USUAL_ACCEPT = frozenset({"*/*", JSON})


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if renderers and renderers[0].media_type == JSON and format_suffix is None:
            meta = request.META
            accept = meta.get("HTTP_ACCEPT")
            if accept is None or accept in USUAL_ACCEPT:
                query = meta.get("QUERY_STRING", "")
                override = self.settings.URL_FORMAT_OVERRIDE
                if not query or not override or ("%" not in query and override not in query):
                    return renderers[0], JSON
        return super().select_renderer(request, renderers, format_suffix)
