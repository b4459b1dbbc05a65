"""What customers get from the live bot, turn by turn: right and wrong answers, suggestions, hand-overs.

Puts held-out questions to the bot customers meet (``kefu.bot.live.build_policy`` over the demo
knowledge base, default settings): paraphrases of its entries written for this bench (none of them a
stored question), questions no entry answers, and money trouble in customers' words
(``bench/data/dialogue.jsonl``). Each is the first message of a new conversation; the demo's money
skill group is the one routing marks ``is_money``.

Then it plays conversations: a customer asks seven questions no entry answers, one after another,
ignoring the suggestions, and the bench counts the turns until the bot hands over, carrying the
conversation's state from turn to turn as ``bot.actions`` and ``BotService`` do. Two kinds: chains of
all the out-of-domain questions, and chains of only those the bot answers with suggestions (what the
issue saw: suggestions seven turns in a row).

Runs on older checkouts too (``PYTHONPATH=<checkout>/src``) to compare before and after; ends with one
JSON line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kefu.bot import kb_files
from kefu.bot.entries import EntryView
from kefu.bot.evaluation import decision_of
from kefu.bot.live import build_policy
from kefu.bot.policy import Policy, State, Turn
from kefu.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DEMO_KB = ROOT / "src" / "kefu" / "demo_data" / "kb.jsonl"
DATA = ROOT / "bench" / "data" / "dialogue.jsonl"
GROUPS = {"账号安全": 1, "支付售后": 2}  # as the demo creates them; 支付售后 is the money group
MONEY_GROUP = GROUPS["支付售后"]
CHAIN = 7  # questions per played conversation (the issue saw seven suggestions in a row)


def _entries() -> list[EntryView]:
    now = datetime.now(UTC)
    return [
        EntryView(
            i + 1,
            d.question,
            d.similar,
            d.answer,
            d.category,
            GROUPS.get(d.group or ""),
            d.group,
            d.keywords,
            d.quick_replies,
            d.handover,
            True,
            None,
            None,
            now,
        )
        for i, (_line, d) in enumerate(kb_files.read_entries(DEMO_KB))
    ]


def _state(**values: Any) -> State:
    """A ``State`` with the fields this checkout knows (older ones lack the money group, the last turn)."""
    known = {f.name for f in dataclasses.fields(State)}
    return State(**{name: value for name, value in values.items() if name in known})


def _classify(turn: Turn, entries: dict[int, EntryView], expected: str | None) -> str:
    """answered_right / answered_wrong / clarified / declined / handed_over / smalltalk / flow."""
    decision = decision_of(turn)
    if decision == "answer":
        entry = entries[int(turn.replies[0].meta["entry_id"])]
        return "answered_right" if expected is not None and entry.question == expected else "answered_wrong"
    return {
        "clarify": "clarified",
        "decline": "declined",
        "handover": "handed_over",
        "smalltalk": "smalltalk",
        "flow": "flow",
    }[decision]


def _money_outcome(turn: Turn, entries: dict[int, EntryView]) -> str:
    """Money trouble: reached the money people (a hand-over to the money group, or an answer on an entry of
    theirs that hands over), answered from some other entry, or left with suggestions or a decline."""
    decision = decision_of(turn)
    if turn.handover is not None and turn.handover_group_id == MONEY_GROUP:
        return "reached_money_people"
    if getattr(turn, "start_flow", None):
        return "journey"
    if decision == "answer":
        entry = entries[int(turn.replies[0].meta["entry_id"])]
        return "answered_money_entry" if entry.skill_group_id == MONEY_GROUP else "answered_other_entry"
    return {"clarify": "clarified", "decline": "declined", "handover": "handed_over_elsewhere"}.get(decision, decision)


def _play(policy: Policy, questions: list[str]) -> int | None:
    """The turn (1-based) at which the bot hands over, or None if it never does."""
    state = _state(money_group_id=MONEY_GROUP)
    for number, text in enumerate(questions, start=1):
        turn = policy.respond(text, state)
        if turn.handover is not None:
            return number
        misses = getattr(turn, "misses", 0) or (1 if turn.outcome == "failed" else 0)
        failures = 0 if turn.outcome == "answered" else state.failures + misses
        kind = turn.replies[-1].meta.get("kind") if turn.replies else None
        recent = (text, *state.recent_questions)[:3]
        state = _state(
            failures=failures,
            recent_questions=recent,
            money_group_id=MONEY_GROUP,
            last_bot_kind=kind,
            within_hours=True,
        )
    return None


def _journeys(entries: list[EntryView]) -> Any:
    """The demo flows' triggers, as ``BotService`` gives them to the policy (None before flows existed)."""
    try:
        from kefu.flows.library import Library  # noqa: PLC0415 (absent on older checkouts)
        from kefu.flows.triggers import FlowTriggers  # noqa: PLC0415
    except ImportError:
        return None
    folder = ROOT / "src" / "kefu" / "demo_data" / "flows"
    library = Library.of_sources([path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))])
    questions = {entry.id: entry.question for entry in entries}
    return FlowTriggers(library, questions.get)


def _shares(counts: Counter[str], n: int) -> dict[str, float]:
    return {key: round(value / n, 3) for key, value in sorted(counts.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="", help="a name for this run in the JSON line (e.g. before, after)")
    parser.add_argument(
        "--flows",
        choices=("demo", "none"),
        default="demo",
        help="the demo's journeys as the live bot has them (checkouts without flows ignore this)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    entries = _entries()
    by_id = {e.id: e for e in entries}
    journeys = _journeys(entries) if args.flows == "demo" else None
    if journeys is not None:
        policy = build_policy(Settings(), entries, datetime.now(UTC), journeys=journeys)
    else:
        policy = build_policy(Settings(), entries, datetime.now(UTC))
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    sets: dict[str, Counter[str]] = {"in_domain": Counter(), "out_of_domain": Counter(), "money_trouble": Counter()}
    gold_in_suggestions = 0
    suggested: list[str] = []  # out-of-domain questions the bot answers with suggestions
    for row in rows:
        turn = policy.respond(row["query"], _state(money_group_id=MONEY_GROUP))
        if row["set"] == "money_trouble":
            outcome = _money_outcome(turn, by_id)
        else:
            outcome = _classify(turn, by_id, row.get("expected"))
        sets[row["set"]][outcome] += 1
        if row["set"] == "out_of_domain" and outcome == "clarified":
            suggested.append(row["query"])
        if outcome == "clarified" and row.get("expected"):
            shown = [by_id[int(s["entry_id"])].question for s in turn.replies[0].meta.get("suggestions", [])]
            gold_in_suggestions += row["expected"] in shown
        print(f"{row['set']:14} {outcome:22} {row['query']}")
    figures: dict[str, Any] = {}
    for name, counts in sets.items():
        n = sum(counts.values())
        figures[name] = {"n": n, **_shares(counts, n)}
    figures["in_domain"]["clarified_with_right_entry"] = round(gold_in_suggestions / figures["in_domain"]["n"], 3)
    ood = [r["query"] for r in rows if r["set"] == "out_of_domain"]
    for name, pool in (("unanswerable_conversations", ood), ("suggestion_only_conversations", suggested)):
        chains = [[pool[(start + k) % len(pool)] for k in range(CHAIN)] for start in range(len(pool))]
        ends = [_play(policy, chain) for chain in chains]
        handed = [turn for turn in ends if turn is not None]
        figures[name] = {
            "n": len(chains),
            "handed_over_within_7": round(len(handed) / max(len(chains), 1), 3),
            "mean_turns_to_hand_over": round(sum(handed) / len(handed), 2) if handed else None,
            "by_turn_3": round(sum(1 for t in handed if t <= 3) / max(len(chains), 1), 3),
        }
    for name, values in figures.items():
        print(name, values)
    print(f"{time.perf_counter() - started:.1f}s")
    flows = args.flows if journeys is not None else "none"
    print(json.dumps({"bench": "bot_dialogue", "label": args.label, "flows": flows, **figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
