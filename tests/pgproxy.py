"""A small TCP proxy for fault tests: what a client sees when the server behind it restarts.

Why: the tests must not restart the machine's PostgreSQL (other work and CI use it). A restart looks
like this from a client: every open connection is reset, new connections are refused for a moment, then
accepted again. The proxy does exactly that between the bot and 127.0.0.1:5432 (or any TCP server, e.g.
the Bot API stand-in), while the real server keeps running.

    proxy = TcpProxy(5432).start()        # listens on 127.0.0.1:<proxy.port>
    proxy.refuse()                        # reset every open connection, refuse new ones
    proxy.accept()                        # accept again (same port); returns the time.monotonic() of it
    proxy.restart(down=2.0)               # refuse, wait `down` seconds, accept; returns accept time
    proxy.stop()

It runs its own event loop in a background thread, so sync tests and the bot's loop can both use it.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from typing import Any

_LINGER_RST = struct.pack("ii", 1, 0)  # close() then sends RST instead of FIN


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = port
        self.accepted = 0  # connections accepted over the proxy's life
        self.resets = 0  # connections reset by refuse()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()

    # ------------------------------------------------------------------ public, thread-safe
    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def refuse(self) -> None:
        """Reset every open connection and stop listening: new connections get ECONNREFUSED."""
        self._call(self._refuse())

    def accept(self) -> float:
        """Listen again on the same port; returns time.monotonic() at the moment it accepts."""
        self._call(self._listen())
        return time.monotonic()

    def restart(self, down: float = 2.0) -> float:
        self.refuse()
        time.sleep(down)  # the outage itself
        return self.accept()

    async def arestart(self, down: float = 2.0) -> float:
        """restart() for async callers: the caller's event loop keeps running during the outage."""
        self.refuse()
        await asyncio.sleep(down)
        return self.accept()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._call(self._shutdown())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()

    @property
    def open_connections(self) -> int:
        return len(self._pairs)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ inside the proxy's loop
    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _listen(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _refuse(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for pair in list(self._pairs):
            for writer in pair:
                _reset(writer)
            self.resets += 1
        self._pairs.clear()

    async def _shutdown(self) -> None:
        await self._refuse()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            up_r, up_w = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(client_w)
            return
        pair = (client_w, up_w)
        self._pairs.add(pair)
        try:
            await asyncio.gather(_pipe(client_r, up_w), _pipe(up_r, client_w))
        except asyncio.CancelledError:
            pass  # stop(): asyncio would log a cancelled connection task as an error
        finally:
            self._pairs.discard(pair)
            for writer in pair:
                writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError, RuntimeError):
        _reset(writer)


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    try:
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RST)
    except OSError:
        pass
    writer.transport.abort()
