"""Assemble data/train.jsonl and data/dev.jsonl from labelled parts, tagging each line's source.

    python scripts/assemble_data.py PARTS_DIR

PARTS_DIR holds the labelled files as the annotators, adjudicators, reviewers and
writers delivered them (data/README.md says who made which). Train and dev never
share a conversation id. Prints the label counts of each set.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

TRAIN = {
    # Real conversations: two independent annotations, disagreements adjudicated.
    "ibm-train.adjudicated.jsonl": "ibm-twitter-cdp",
    # Written in the first session, then reviewed under the clarified rules.
    "train-written-1.reviewed.jsonl": None,  # keeps each line's own source
    "train-written-2.reviewed.jsonl": None,
    # Written for this session by seven writers who never saw the dev set.
    "write-a.jsonl": "keepword-written-real-register",
    "write-b.jsonl": "keepword-written-real-register",
    "write-c.jsonl": "keepword-written-real-register",
    "write-d.jsonl": "keepword-written-contrastive",
    "write-e.jsonl": "keepword-written-contrastive",
    "write-f.jsonl": "keepword-written-contrastive",
    "write-g.jsonl": "keepword-written-contrastive",
}
DEV = {
    "twcs-dev.adjudicated.jsonl": "twcs",
    "dev-written.reviewed.jsonl": "keepword-written",
    "dev-promises.reviewed.jsonl": "keepword-written-promises",
}


def assemble(parts: Path, names: dict[str, str | None], target: Path) -> set[str]:
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
                if source is not None:
                    row["source"] = source
                elif "source" not in row:
                    sys.exit(f"{name}: conversation {row['id']} says nothing of its source")
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
