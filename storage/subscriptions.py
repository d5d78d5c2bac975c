"""Every query on Subscription and ChatState rows (the per-chat reminder subscriptions).

Why here: issue 12 keeps SQL in storage/; reminders.subscriptions keeps target resolution and the views.
Subscriptions are soft-deleted (active=False) so a blocked chat keeps its reason and can come back.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Agency, ChatState, Subscription, utcnow


def region_paths(engine: Engine) -> list[str]:
    """Every agency's region path (may repeat or be empty)."""
    with Session(engine) as session:
        return list(session.exec(select(Agency.region_path)).all())


def agency_names(engine: Engine) -> list[str]:
    """Every agency name, sorted."""
    with Session(engine) as session:
        return list(session.exec(select(Agency.name).order_by(Agency.name)).all())


def find(session: Session, chat_id: int, scope: str, target: str) -> Subscription | None:
    """The chat's subscription row for (scope, target), active or not."""
    return session.exec(select(Subscription).where(Subscription.chat_id == chat_id, Subscription.scope == scope,
                                                   Subscription.target == target)).first()


def deactivate(session: Session, chat_id: int, scope: str | None = None, target: str | None = None) -> int:
    """Set active=False on a chat's matching active rows (all of them when scope is None); returns how many."""
    stmt = update(Subscription).where(Subscription.chat_id == chat_id, Subscription.active.is_(True))
    if scope is not None:
        stmt = stmt.where(Subscription.scope == scope)
        if target is not None:
            stmt = stmt.where(Subscription.target == target)
    return int(session.execute(stmt.values(active=False)).rowcount or 0)


def active_for_chat(engine: Engine, chat_id: int) -> list[Subscription]:
    with Session(engine) as session:
        return list(session.exec(select(Subscription).where(Subscription.chat_id == chat_id,
                                                            Subscription.active.is_(True))
                                 .order_by(Subscription.id)).all())


def all_active(engine: Engine) -> list[Subscription]:
    """Every active subscription ordered by chat, then id."""
    with Session(engine) as session:
        return list(session.exec(select(Subscription).where(Subscription.active.is_(True))
                                 .order_by(Subscription.chat_id, Subscription.id)).all())


def block_chat(engine: Engine, chat_id: int, error: str) -> int:
    """Unsubscribe everything of a chat and record when and why it blocked us; returns how many."""
    with Session(engine) as session:
        n = deactivate(session, chat_id)
        state = session.get(ChatState, chat_id) or ChatState(chat_id=chat_id)
        state.blocked_at = utcnow()
        state.last_error = error
        session.add(state)
        session.commit()
    return n
