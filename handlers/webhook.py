"""Our own small webhook server (tornado, which PTB's webhooks extra installs).

Why not Application.run_webhook: we also want GET /healthz for the platform's health checks, and PTB's
built-in server has no hook for extra routes. This server requires Telegram's secret-token header (a server
without a secret refuses every update: the URL alone must never be enough to post as any user), puts
each update on the Application's update_queue (so a clean stop still processes everything accepted),
and answers /healthz with the queue length.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, ptb: Application, secret: str) -> None:
        self.ptb = ptb
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not self.secret or not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook call with a wrong secret token from %s", self.request.remote_ip)
            self.set_status(403)
            self.finish("forbidden")
            return
        try:
            data = json.loads(self.request.body or b"")
            update = Update.de_json(data, self.ptb.bot)
        except (ValueError, TypeError, KeyError) as err:
            log.warning("webhook body is not an update: %s", err)
            self.set_status(400)
            self.finish("bad update")
            return
        await self.ptb.update_queue.put(update)
        self.set_status(200)
        self.finish()

    def check_xsrf_cookie(self) -> None:  # Telegram does not send cookies
        return


class HealthHandler(tornado.web.RequestHandler):
    def initialize(self, ptb: Application) -> None:
        self.ptb = ptb

    def get(self) -> None:
        body: dict[str, Any] = {"ok": self.ptb.running, "pending_updates": self.ptb.update_queue.qsize()}
        self.set_status(200 if self.ptb.running else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


def make_server(application: Application, path: str, secret: str) -> tornado.httpserver.HTTPServer:
    """The webhook + /healthz server; `secret` is required (Settings.effective_webhook_secret())."""
    if not secret:
        raise ValueError("the webhook server needs a secret token (WEBHOOK_SECRET or one derived from the token)")
    app = tornado.web.Application([
        (path, UpdateHandler, {"ptb": application, "secret": secret}),
        (r"/healthz", HealthHandler, {"ptb": application}),
    ])
    return tornado.httpserver.HTTPServer(app, xheaders=True)
