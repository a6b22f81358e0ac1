"""Requests per token (per user for the session), counted in the shared Redis cache."""

import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from newsroom.api.models import ApiToken

logger = logging.getLogger(__name__)


class PerTokenThrottle(SimpleRateThrottle):
    """API_THROTTLE_RATE for each token, and for each user's browser session."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"session-{request.user.pk}"
        else:
            return None  # refused before: anonymous requests never reach the archive
        return f"throttle_{self.scope}_{ident}"

    def allow_request(self, request, view) -> bool:
        # The rate is read per request, so a changed setting takes effect at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except RedisError:
            # Counting is a guard, not a gate: the archive stays open while Redis is away.
            logger.warning("API throttling skipped: the cache is unreachable", exc_info=True)
            return True
