"""The address a request came from, as far as the deployment can vouch for it.

Behind ``FASTKONTAKT_TRUSTED_PROXIES`` reverse proxies, each of which appends the address it saw
to ``X-Forwarded-For``, the client is the entry that the outermost trusted proxy added: the
N-th from the right. Entries further left were written by the client and prove nothing. With no
trusted proxy (the default) the header is ignored altogether and the connecting address counts.
django-axes takes its address from here (``AXES_CLIENT_IP_CALLABLE``), so a made-up header cannot
move failed logins onto someone else's address, nor spread them over addresses of one's choice.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    connecting = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(settings.FASTKONTAKT_TRUSTED_PROXIES)
    if proxies <= 0:
        return connecting
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return connecting
    # Fewer hops than proxies: the request skipped an outer proxy; the first hop is the earliest
    # one a trusted proxy wrote.
    return _address(hops[max(len(hops) - proxies, 0)]) or connecting
