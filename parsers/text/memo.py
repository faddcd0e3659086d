"""Per-text memos: one page asks the same questions of the same strings many times over.

Places, countries, dates and actors are pure functions of a text, and a page's sections,
sentences and clauses are each read by several passes (mentions, events, people, programmes).
`text_memo` remembers the answers for about a page's worth of texts. Answers must be immutable
(tuples of frozen records). Memory stays bounded: at most `maxsize` answers per function, and
texts longer than `MAX_TEXT` characters are answered afresh rather than kept. `clear` forgets
every answer, so a benchmark can time a page as the first of its kind rather than as a repeat.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["MAX_TEXT", "clear", "text_memo"]

F = TypeVar("F", bound=Callable[..., Any])

MAX_TEXT = 4000
"""Longest text (first argument) whose answers are remembered."""

_MEMOS: list[Any] = []


def text_memo(maxsize: int = 512) -> Callable[[F], F]:
    """`functools.lru_cache(maxsize)` for a function of a text, registered with `clear`."""

    def wrap(fn: F) -> F:
        memo = functools.lru_cache(maxsize=maxsize)(fn)
        _MEMOS.append(memo)
        # A page makes thousands of these calls: the common arities skip packing `*args`.
        call: Callable[..., Any]
        if fn.__code__.co_argcount == 1:

            def call(text: str) -> Any:
                return memo(text) if len(text) <= MAX_TEXT else fn(text)

        elif fn.__code__.co_argcount == 2:

            def call(text: str, other: Any) -> Any:
                return memo(text, other) if len(text) <= MAX_TEXT else fn(text, other)

        else:

            def call(text: str, *args: Any) -> Any:
                return memo(text, *args) if len(text) <= MAX_TEXT else fn(text, *args)

        call = functools.wraps(fn)(call)
        call.cache_clear = memo.cache_clear  # type: ignore[attr-defined]
        call.cache_info = memo.cache_info  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap


def clear() -> None:
    """Forget every remembered answer (the gazetteer and vocabularies stay loaded)."""
    for memo in _MEMOS:
        memo.cache_clear()
