"""Assemble data/train.jsonl and data/dev.jsonl from labelled parts, tagging each line's source.

    python scripts/assemble_data.py PARTS_DIR

PARTS_DIR holds the labelled files as the labellers and writers delivered them
(see data/README.md). Train and dev never share a conversation id. Prints the
label counts of each set.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

TRAIN = {
    "ibm-train-a.jsonl": "ibm-twitter-cdp",
    "ibm-train-b.jsonl": "ibm-twitter-cdp",
    "written-train.jsonl": "keepword-written",
    "social-train-a.jsonl": "keepword-written-social",
    "social-train-b.jsonl": "keepword-written-social",
}
DEV = {
    "twcs-dev-a.jsonl": "twcs",
    "twcs-dev-b.jsonl": "twcs",
    "written-dev.jsonl": "keepword-written",
}


def assemble(parts: Path, names: dict[str, str], target: Path) -> set[str]:
    ids: set[str] = set()
    labels: Counter[str] = Counter()
    turns = promises = 0
    with target.open("w", encoding="utf-8") as sink:
        for name, source in names.items():
            for line in (parts / name).read_text(encoding="utf-8").split("\n"):
                if not line.strip():
                    continue
                row = json.loads(line)
                if row["id"] in ids:
                    sys.exit(f"{name}: conversation {row['id']} appears twice")
                ids.add(row["id"])
                row["source"] = source
                turns += len(row["turns"])
                promises += len(row["gold"].get("promises", []))
                for found in row["gold"]["turns"].values():
                    labels.update(found)
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{target}: {len(ids)} conversations, {turns} turns, {promises} promises")
    for label, count in sorted(labels.items()):
        print(f"  {label:24} {count}")
    return ids


def main() -> None:
    parts = Path(sys.argv[1])
    train = assemble(parts, TRAIN, Path("data/train.jsonl"))
    dev = assemble(parts, DEV, Path("data/dev.jsonl"))
    if train & dev:
        sys.exit(f"train and dev share conversations: {sorted(train & dev)[:5]}")


if __name__ == "__main__":
    main()
