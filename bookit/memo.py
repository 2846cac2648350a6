"""Per-request memo: a value read once per request (or per scheduler task), then reused.

A request opens a scope (RequestMemoMiddleware); inside it ``memoized(key, load)`` calls
``load`` once. Outside any scope nothing is kept, so a long-running process (bot, scheduler)
never holds a value longer than the unit of work that read it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_scope: ContextVar[dict | None] = ContextVar("bookit_memo_scope", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def memoized(key: str, load: Callable[[], T]) -> T:
    scope = _scope.get()
    if scope is None:
        return load()
    if key not in scope:
        scope[key] = load()
    return scope[key]


def remember(key: str, value: object) -> None:
    """Keep ``value`` under ``key`` for the rest of this scope: a value another statement read
    along with its own (the booking's lock reads the policy with the member and the seat)."""
    scope = _scope.get()
    if scope is not None:
        scope[key] = value


def peek(key: str) -> object | None:
    """The value kept under ``key`` in this scope, without loading it (None if none)."""
    scope = _scope.get()
    return scope.get(key) if scope is not None else None


def forget(key: str) -> None:
    """After a write in this request: the next read loads the new value."""
    scope = _scope.get()
    if scope is not None:
        scope.pop(key, None)
