"""Container health probe: exit 0 when the service answers /healthz on its own port.

The image is python:slim, which has no curl, so the probe is plain standard library. It reads
the same environment as the service, so a port overridden with <SERVICE>_PORT is still probed.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

# Mirrors the settings defaults; tests/unit/deploy keeps the two in step.
DEFAULT_PORTS = {
    "gateway": 8080,
    "compliance": 8081,
    "dialer": 8082,
    "outcomes": 8083,
    "webhooks": 8084,
}
TIMEOUT_SECONDS = 3.0


def probe_url(environ: Mapping[str, str]) -> str:
    service = environ["SIGHTSYNC_SERVICE"]
    port = environ.get(f"{service.upper()}_PORT") or str(DEFAULT_PORTS[service])
    return f"http://127.0.0.1:{int(port)}/healthz"


def main() -> int:
    try:
        url = probe_url(os.environ)
        # The URL is always plain http on loopback, built above from a number.
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (KeyError, ValueError, urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
