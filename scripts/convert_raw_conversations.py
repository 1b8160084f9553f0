"""Turn the raw public conversations in ../shared/data/raw into Keepword's conversation format.

    python scripts/convert_raw_conversations.py [--raw ../shared/data/raw] [--out data/sources]

Writes twcs.jsonl (Customer Support on Twitter, CC BY-NC-SA 4.0) and ibm.jsonl
(IBM Twitter customer care, Apache-2.0), one conversation a line, unlabelled.
Customer handles are masked: every customer becomes `@customer`, any other
person `@user`, and each customer gets a sequential pseudonymous id; e-mail
addresses and phone numbers are masked too. Brands keep their handles: they
are the provider, and the agent. The output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w/])\+?\d[\d\s().-]{8,}\d(?![\w/])")
MENTION = re.compile(r"@(\w{1,30})")


def mask(text: str, brands: set[str], customers: set[str]) -> str:
    """The text with e-mails, phone numbers and every non-brand handle masked."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)

    def handle(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() in brands:
            return match.group(0)
        return "@customer" if name.lower() in customers else "@user"

    return MENTION.sub(handle, text)


def twcs(raw: Path) -> list[dict[str, Any]]:
    """TWCS threads, each the tweets reachable from a root, in time order."""
    # One tweet holds bare \r inside an unquoted field (see SOURCE.md).
    with (raw / "twcs" / "twcs.csv").open(encoding="utf-8", newline="") as file:
        text = file.read().replace("\r", " ")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_id = {row["tweet_id"]: row for row in rows}
    children: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        parent = row["in_response_to_tweet_id"].removesuffix(".0")
        if parent in by_id:
            children[parent].append(row["tweet_id"])
    roots = [
        row["tweet_id"]
        for row in rows
        if row["in_response_to_tweet_id"].removesuffix(".0") not in by_id
    ]
    brands = {row["author_id"].lower() for row in rows if row["inbound"] == "False"}
    pseudonyms: dict[str, str] = {}
    conversations = []
    for root in sorted(roots, key=int):
        thread, stack = [], [root]
        while stack:
            tweet_id = stack.pop()
            thread.append(by_id[tweet_id])
            stack.extend(children.get(tweet_id, []))
        thread.sort(key=lambda r: (_twcs_time(r["created_at"]), int(r["tweet_id"])))
        speakers = {r["inbound"] for r in thread}
        if speakers != {"True", "False"}:
            continue  # a conversation needs both sides
        customers = {r["author_id"].lower() for r in thread if r["inbound"] == "True"}
        first_customer = next(r["author_id"] for r in thread if r["inbound"] == "True")
        pseudonyms.setdefault(first_customer, f"twcs-c{len(pseudonyms) + 1:04d}")
        turns = []
        for r in thread:
            turn: dict[str, Any] = {
                "speaker": "customer" if r["inbound"] == "True" else "agent",
                "text": mask(r["text"], brands, customers),
                "at": _twcs_time(r["created_at"]).isoformat(),
            }
            if r["inbound"] == "False":
                turn["agent_id"] = r["author_id"]
                turn["team"] = r["author_id"]
            turns.append(turn)
        conversations.append(
            {
                "id": f"twcs-{root}",
                "channel": "social",
                "started_at": turns[0]["at"],
                "customer": {"id": pseudonyms[first_customer]},
                "turns": turns,
                "source": "twcs",
            }
        )
    return conversations


def _twcs_time(text: str) -> datetime:
    return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)


def ibm(raw: Path) -> list[dict[str, Any]]:
    """IBM conversations: the dialogue, then the agent's final reply."""
    data = json.loads((raw / "ibm-twitter-cdp" / "dev.json").read_text(encoding="utf-8"))
    pseudonyms: dict[str, str] = {}
    conversations = []
    for item in data:
        header = item["dialogHeader"]
        company = header["company"]
        brands = {company.lower()}
        customers = {t["client"].lower() for t in item["dialogContent"] if "client" in t}
        turns = []
        for t in item["dialogContent"]:
            is_customer = "client" in t
            turn: dict[str, Any] = {
                "speaker": "customer" if is_customer else "agent",
                "text": mask(t["message"], brands, customers),
                "at": _iso(t["datetime"]),
            }
            if not is_customer:
                turn["agent_id"] = company
                turn["team"] = company
            turns.append(turn)
        # The final reply carries no time of its own; the header's duration ends the dialogue.
        ended = datetime.fromisoformat(_iso(header["conversationDateTime"])) + _duration(
            header["duration"]
        )
        last = datetime.fromisoformat(turns[-1]["at"]) if turns else ended
        turns.append(
            {
                "speaker": "agent",
                "text": mask(item["agentURL"]["url_utterance"], brands, customers),
                "at": max(ended, last).isoformat(),
                "agent_id": company,
                "team": company,
            }
        )
        first_customer = next(
            (t["client"].lower() for t in item["dialogContent"] if "client" in t), None
        )
        record: dict[str, Any] = {
            "id": f"ibm-{header['sessionID']}",
            "channel": "social",
            "started_at": turns[0]["at"],
            "turns": turns,
            "source": "ibm-twitter-cdp",
        }
        if first_customer:
            pseudonyms.setdefault(first_customer, f"ibm-c{len(pseudonyms) + 1:04d}")
            record["customer"] = {"id": pseudonyms[first_customer]}
        conversations.append(record)
    return conversations


def _iso(text: str) -> str:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).isoformat()


def _duration(text: str) -> timedelta:
    hours, minutes, seconds = text.split(":")
    return timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))


def write(path: Path, conversations: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for conversation in conversations:
            out.write(json.dumps(conversation, ensure_ascii=False) + "\n")
    print(
        f"{path}: {len(conversations)} conversations, "
        f"{sum(len(c['turns']) for c in conversations)} turns"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path("../shared/data/raw"))
    parser.add_argument("--out", type=Path, default=Path("data/sources"))
    args = parser.parse_args()
    write(args.out / "twcs.jsonl", twcs(args.raw))
    write(args.out / "ibm.jsonl", ibm(args.raw))


if __name__ == "__main__":
    main()
