"""URL resolution that remembers its answers (docs/performance.md, "Sixth round").

Django resolves every request by walking the URL patterns in order, building a
``ResolverMatch`` at each level of ``include()``: a booking POST (``/api/reservations``) tried
some 30 patterns and built three matches, about 6 % of its instructions. A path's match
depends on nothing but the path and the patterns, which do not change while the process runs
(``clear_url_caches()`` builds new resolvers, and with them new memories), so it is
remembered per path, bounded. Only matches are remembered: a path that resolves to nothing
raises ``Resolver404`` every time, with the list of tried patterns Django's 404 page shows.
"""

import functools

from django.urls import ResolverMatch, URLResolver


class RememberingResolver(URLResolver):
    """An ``include()`` whose matches are remembered per path (the last ``MAX_PATHS``).

    The match returned is shared by the requests to that path: the enclosing resolver copies
    what it needs into the request's own ``ResolverMatch`` and nothing writes to it."""

    MAX_PATHS = 4096

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.remembered = functools.lru_cache(maxsize=self.MAX_PATHS)(super().resolve)

    def resolve(self, path: str) -> ResolverMatch:
        return self.remembered(path)

    @classmethod
    def wrap(cls, resolver: URLResolver) -> "RememberingResolver":
        """The same include (``path(route, include(...))``) with a memory."""
        return cls(
            resolver.pattern,
            resolver.urlconf_name,
            resolver.default_kwargs,
            resolver.app_name,
            resolver.namespace,
        )
