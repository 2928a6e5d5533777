"""A bare aiohttp server: one handler that answers every GET or POST with a fixed JSON body.

It runs aiohttp exactly as the services do (AppRunner, no access log), so the load
generator's figures against it are the floor for any handler on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

from aiohttp import web

BODY = json.dumps({"ok": True, "patients": [], "total": 0}).encode()


async def fixed(request: web.Request) -> web.Response:
    if request.can_read_body:
        await request.read()
    return web.Response(body=BODY, content_type="application/json")


async def serve(port: int) -> None:
    app = web.Application()
    app.router.add_route("*", "/bare", fixed)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_address=True).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
