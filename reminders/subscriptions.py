"""Per-chat subscriptions: everything, a region, or one agency (Subscription rows, soft-deleted).

Why soft delete (active=False): a chat that blocked the bot is unsubscribed, and the row plus ChatState keep
the reason; subscribing again simply reactivates it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import subscriptions as store
from storage.models import ChatState, Subscription

SCOPES = ("all", "region", "agency")
SCOPE_NAMES = {"all": "全部机关", "region": "地区", "agency": "机关"}


class SubscriptionError(ValueError):
    """A subscription request that cannot be fulfilled; `candidates` lists near matches."""

    def __init__(self, message: str, candidates: list[str] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


@dataclass(frozen=True)
class SubView:
    chat_id: int
    chat_type: str
    scope: str
    target: str
    digests: bool

    def label(self) -> str:
        return SCOPE_NAMES[self.scope] + (f"：{self.target}" if self.target else "")


def _view(s: Subscription) -> SubView:
    return SubView(s.chat_id, s.chat_type, s.scope, s.target, s.digests)


def regions(engine: Engine) -> list[str]:
    """Every region name (each level of every agency's region path), sorted."""
    paths = store.region_paths(engine)
    return sorted({p for path in paths for p in (path or "").split("/") if p})


def resolve_agency(engine: Engine, text: str) -> list[str]:
    """Agency names matching `text`: the exact name, else names containing it."""
    text = text.strip()
    names = store.agency_names(engine)
    if text in names:
        return [text]
    return [n for n in names if text and text in n]


def resolve_target(engine: Engine, scope: str, target: str) -> str:
    """The canonical target for a scope; raises SubscriptionError when unknown or ambiguous."""
    target = " ".join(target.split())
    if scope not in SCOPES:
        raise SubscriptionError(f"未知的订阅范围：{scope}")
    if scope == "all":
        return ""
    if not target:
        raise SubscriptionError("请写明地区或机关名称。")
    if scope == "region":
        known = regions(engine)
        if target in known:
            return target
        near = [r for r in known if target in r or r in target]
        if len(near) == 1:
            return near[0]
        raise SubscriptionError(f"没有找到地区“{target}”。", near[:8])
    found = resolve_agency(engine, target)
    if len(found) == 1:
        return found[0]
    if not found:
        raise SubscriptionError(f"没有找到机关“{target}”。")
    raise SubscriptionError(f"“{target}”对应多个机关，请选择：", found[:8])


def subscribe(engine: Engine, chat_id: int, chat_type: str = "private", scope: str = "all", target: str = "",
              *, digests: bool | None = None, resolve: bool = True) -> tuple[SubView, bool]:
    """Add (or reactivate) a subscription; returns (subscription, created_or_reactivated)."""
    target = resolve_target(engine, scope, target) if resolve else target
    if digests is None:
        digests = chat_type != "private"
    with Session(engine) as session:
        sub = store.find(session, chat_id, scope, target)
        created = sub is None or not sub.active
        if sub is None:
            sub = Subscription(chat_id=chat_id, chat_type=chat_type, scope=scope, target=target, digests=digests)
        sub.active = True
        sub.chat_type = chat_type
        session.add(sub)
        state = session.get(ChatState, chat_id)
        if state is not None and state.blocked_at is not None:
            state.blocked_at = None  # they talk to us again, so they unblocked the bot
            session.add(state)
        session.commit()
        session.refresh(sub)
        return _view(sub), created


def unsubscribe(engine: Engine, chat_id: int, scope: str | None = None, target: str | None = None) -> int:
    """Deactivate one subscription, or all of a chat's when scope is None; returns how many."""
    with Session(engine) as session:
        n = store.deactivate(session, chat_id, scope, target)
        session.commit()
    return n


def list_subscriptions(engine: Engine, chat_id: int) -> list[SubView]:
    return [_view(s) for s in store.active_for_chat(engine, chat_id)]


def active_by_chat(engine: Engine) -> dict[int, list[SubView]]:
    """Every active subscription grouped by chat (for planning a broadcast)."""
    out: dict[int, list[SubView]] = {}
    for s in store.all_active(engine):
        out.setdefault(s.chat_id, []).append(_view(s))
    return out


def mark_blocked(engine: Engine, chat_id: int, error: str) -> int:
    """The chat blocked the bot (Forbidden): unsubscribe everything and record why."""
    return store.block_chat(engine, chat_id, error[:500])


def record_error(engine: Engine, chat_id: int, error: str) -> None:
    with Session(engine) as session:
        state = session.get(ChatState, chat_id) or ChatState(chat_id=chat_id)
        state.last_error = error[:500]
        session.add(state)
        session.commit()
