"""What a terminal front end (`chat`, `ask`) says when a question fails: one line, no SQL, no parameters.

Why: SQLAlchemy's messages quote the statement and its bound values (and sometimes a URL); users get a
plain sentence and the error's kind, the log keeps the details.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from service.answers import STORE_DOWN_TEXT, is_outage
from service.redaction import env_secrets, redact_text
from storage.db import has_schema, is_missing_schema

NO_SCHEMA_TEXT = "数据库里还没有表：请先运行 `disclosure-bot migrate`（或 `make run`）建立数据库结构。"


def user_message(err: BaseException, engine: Engine | None = None) -> str:
    """One line for the user: the store has no tables, is down, failed otherwise, or another error.
    With `engine`, a store error is checked against the store itself (tables missing, or unreachable)."""
    if is_missing_schema(err):
        return NO_SCHEMA_TEXT
    if is_outage(err):
        reachable_but_bare = engine is not None and _reachable(engine) and not has_schema(engine)
        return NO_SCHEMA_TEXT if reachable_but_bare else STORE_DOWN_TEXT
    if isinstance(err, SQLAlchemyError):
        kind = type(getattr(err, "orig", None) or err).__name__
        return f"出错了：数据库查询失败（{kind}），这条消息没有处理。"
    detail = " ".join(str(err).split())[:300]
    return redact_text(f"出错了：{type(err).__name__}: {detail}", env_secrets())


def _reachable(engine: Engine) -> bool:
    from storage.db import ping

    try:
        ping(engine)
    except SQLAlchemyError:
        return False
    return True
