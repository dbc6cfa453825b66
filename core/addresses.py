"""The reader's address, for counts and rate limits that reader apps keep.

The one rule, also for the admin sign-in's lock-out (newsroom.login_guard):
``CLIENT_IP_HEADER`` only when it is set, its right-most value (a proxy appends
the address it saw; whatever a client wrote to the left is not trusted), else
the connection's address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    header = settings.CLIENT_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        values = [v.strip() for v in request.META.get(meta_key, "").split(",")]
        if values and values[-1]:
            try:
                return str(ipaddress.ip_address(values[-1]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or ""
