#!/usr/bin/env python3
"""Container/systemd health check for disclosure-bot; exit 0 healthy, 1 not.

Why two modes: in webhook mode the bot serves GET /healthz (200 while the application runs), which is the
real signal; in long-polling mode there is no port, so the best outside check is that the store answers.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    if os.environ.get("WEBHOOK_URL"):
        port = os.environ.get("PORT", "8443")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=4) as resp:
                return 0 if resp.status == 200 else 1
        except Exception as err:  # noqa: BLE001 - any failure is "unhealthy"
            print(f"unhealthy: {type(err).__name__}", file=sys.stderr)
            return 1
    try:
        from sqlalchemy import text

        from storage.db import get_engine

        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return 0
    except Exception as err:  # noqa: BLE001
        print(f"unhealthy: store unreachable ({type(err).__name__})", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
