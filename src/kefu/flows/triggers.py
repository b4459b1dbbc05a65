"""The bot policy's view of the flows' triggers (its ``Journeys`` hook): keywords and patterns in the
text, or the knowledge entry the text matched (flows name entries by their question)."""

from __future__ import annotations

from collections.abc import Callable

from kefu.flows.library import Library


class FlowTriggers:
    """Which published flow, if any, a customer's message should start."""

    def __init__(self, library: Library, entry_question: Callable[[int], str | None]) -> None:
        self.library = library
        self.entry_question = entry_question

    def match(self, text: str, entry_id: int | None) -> str | None:
        """The key of the flow to start, if one fits."""
        question = self.entry_question(entry_id) if entry_id is not None else None
        return self.library.match(text, question)
