"""`keepword audit`, `eval`, `train` and `reaudit` through Typer's test runner.

Nothing here depends on the model shipped in the package: outputs are compared
with each other, or the model is one these tests train.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from keepword.cli.main import app
from tests.factories import conversation_record


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "KEEPWORD_DATABASE_URL": database_url,
        "KEEPWORD_DATA_DIR": str(tmp_path),
        "KEEPWORD_SECRET_KEY": "x" * 40,
        # Rich wraps at 80 columns when it cannot see a terminal, which splits long paths.
        "COLUMNS": "250",
    }


def run(env: dict[str, str], *args: str) -> Result:
    """Run `keepword ARGS`; an uncaught exception fails the test."""
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def turns(*texts: str) -> list[dict[str, Any]]:
    """Alternating customer and agent turns, a minute apart."""
    return [
        {
            "speaker": "customer" if i % 2 == 0 else "agent",
            "text": text,
            "at": f"2026-09-02T10:{14 + i:02d}:00+01:00",
            **({"agent_id": "a-7", "team": "support"} if i % 2 else {}),
        }
        for i, text in enumerate(texts)
    ]


# Twelve labelled conversations: enough for the model to learn a few labels.
LABELLED: list[tuple[list[str], dict[str, list[str]]]] = [
    (["My modem keeps dropping, this is ridiculous.", "I'm sorry, I'll fix this."],
     {"0": ["reports_fault", "frustrated"], "1": ["apologizes", "owns"]}),
    (["The router keeps dropping every night.", "Sorry to hear that, I'll fix it."],
     {"0": ["reports_fault"], "1": ["apologizes", "owns"]}),
    (["I want to cancel my service.", "Why would you want to leave?"],
     {"0": ["wants_to_cancel"], "1": ["obstructs_cancellation"]}),
    (["Please cancel my account.", "I've cancelled it, sorry to see you go."],
     {"0": ["wants_to_cancel"], "1": ["owns", "apologizes"]}),
    (["Still waiting for my refund.", "Sorry, I'll chase it today."],
     {"0": ["chases"], "1": ["apologizes", "owns"]}),
    (["Any update on my refund?", "That's not my department."],
     {"0": ["chases"], "1": ["deflects"]}),
    (["The app keeps crashing.", "Please contact the manufacturer."],
     {"0": ["reports_fault"], "1": ["deflects"]}),
    (["My phone doesn't work, I'm fed up.", "There's nothing wrong with it."],
     {"0": ["reports_fault", "frustrated"], "1": ["dismisses_report"]}),
    (["Hello, what are your opening hours?", "We open at nine."], {}),
    (["Thanks for the help yesterday.", "You're welcome, have a nice day."], {}),
    (["This is unacceptable, I'm switching to another provider.", "Calm down."],
     {"0": ["frustrated", "threatens_churn"], "1": ["rude"]}),
    (["The line is down again.", "I'm sorry. Is everything working now?"],
     {"0": ["reports_fault"], "1": ["apologizes", "confirms_resolution"]}),
]  # fmt: skip


def labelled_records() -> list[dict[str, Any]]:
    return [
        conversation_record(
            f"t-{i}",
            customer={"id": f"cust-{i}"},
            case_id=None,
            turns=turns(*texts),
            gold={"turns": gold, "promises": []},
        )
        for i, (texts, gold) in enumerate(LABELLED)
    ]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "gold.jsonl", labelled_records())


@pytest.fixture
def model_file(env: dict[str, str], gold_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    result = run(env, "train", "--data", str(gold_file), "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


# --- audit ----------------------------------------------------------------------------------


def test_audit_writes_one_line_per_conversation_in_input_order(
    env: dict[str, str], tmp_path: Path
) -> None:
    ids = ["c-9", "c-1", "c-5", "c-3"]
    source = write_jsonl(tmp_path / "in.jsonl", [conversation_record(i) for i in ids])
    output = tmp_path / "out.jsonl"

    result = run(env, "audit", str(source), "-o", str(output))

    assert result.exit_code == 0, result.output
    assert [record["id"] for record in read_jsonl(output)] == ids
    assert f"4 conversations audited into {output}, 0 rejected." in result.stdout


def test_each_audit_line_has_the_audit_format(env: dict[str, str], tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", labelled_records())
    output = tmp_path / "out.jsonl"

    run(env, "audit", str(source), "-o", str(output))

    for record in read_jsonl(output):
        assert {"id", "turns", "promises", "findings", "model"} <= set(record)
        for key, items in record["turns"].items():
            assert key.isdigit()
            assert items
            assert all(0.0 <= item["score"] <= 1.0 for item in items)


def test_audit_reports_bad_lines_by_number_and_audits_the_rest(
    env: dict[str, str], tmp_path: Path
) -> None:
    no_start = {k: v for k, v in conversation_record("c-3").items() if k != "started_at"}
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [conversation_record("c-1"), "{not json", no_start, conversation_record("c-4")],
    )
    output = tmp_path / "out.jsonl"

    result = run(env, "audit", str(source), "-o", str(output))

    assert result.exit_code == 1
    assert re.search(r"line 2: not JSON", result.stderr)
    assert re.search(r"line 3 \(c-3\): started_at", result.stderr)
    assert [record["id"] for record in read_jsonl(output)] == ["c-1", "c-4"]
    assert "2 conversations audited" in result.stdout
    assert "2 rejected" in result.stdout


def test_audit_of_a_missing_file_exits_2(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "audit", str(tmp_path / "nowhere.jsonl"), "-o", str(tmp_path / "o.jsonl"))

    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_two_workers_write_what_one_writes(env: dict[str, str], tmp_path: Path) -> None:
    # More than one chunk of conversations, so the workers really share the work.
    records = [
        {**record, "id": f"{record['id']}-{n}"} for n in range(50) for record in labelled_records()
    ]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"

    first = run(env, "audit", str(source), "-o", str(one), "--workers", "1")
    second = run(env, "audit", str(source), "-o", str(two), "--workers", "2")

    assert (first.exit_code, second.exit_code) == (0, 0), second.output
    assert len(read_jsonl(one)) == 600
    assert two.read_bytes() == one.read_bytes()


# --- eval -----------------------------------------------------------------------------------


def test_eval_prints_what_the_reference_scorer_gives_for_the_audit_output(
    env: dict[str, str], gold_file: Path, tmp_path: Path, reference: ModuleType
) -> None:
    audited = tmp_path / "audit.jsonl"
    assert run(env, "audit", str(gold_file), "-o", str(audited)).exit_code == 0

    result = run(env, "eval", str(gold_file), "--json")

    assert result.exit_code == 0, result.output
    expected = reference.score(
        reference.read_jsonl(str(gold_file)), reference.read_jsonl(str(audited))
    )
    assert json.loads(result.stdout) == expected


def test_eval_with_a_model_scores_that_models_audit(
    env: dict[str, str], gold_file: Path, model_file: Path, tmp_path: Path, reference: ModuleType
) -> None:
    audited = tmp_path / "audit.jsonl"
    run(env, "audit", str(gold_file), "-o", str(audited), "--model", str(model_file))

    result = run(env, "eval", str(gold_file), "--json", "--model", str(model_file))

    expected = reference.score(
        reference.read_jsonl(str(gold_file)), reference.read_jsonl(str(audited))
    )
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize("line", [{"gold": {}}, [1, 2]], ids=["no-id", "not-an-object"])
def test_eval_reports_a_gold_line_that_is_no_conversation_by_its_number(
    env: dict[str, str], tmp_path: Path, line: Any
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", [labelled_records()[0], line])

    result = run(env, "eval", str(gold), "--json")

    assert result.exit_code == 2
    assert f"{gold}:2" in result.stderr


def test_eval_prints_a_table_without_json(env: dict[str, str], gold_file: Path) -> None:
    result = run(env, "eval", str(gold_file))

    assert result.exit_code == 0, result.output
    assert "[all] micro" in result.stdout
    assert "due accuracy" in result.stdout


# --- train and --model ----------------------------------------------------------------------


def test_train_writes_a_model_that_audit_uses(
    env: dict[str, str], gold_file: Path, model_file: Path, tmp_path: Path
) -> None:
    version = json.loads(model_file.read_text(encoding="utf-8"))["version"]
    output = tmp_path / "out.jsonl"

    result = run(env, "audit", str(gold_file), "-o", str(output), "--model", str(model_file))

    assert result.exit_code == 0, result.output
    assert {record["model"] for record in read_jsonl(output)} == {version}


def test_train_reports_the_model_it_wrote(
    env: dict[str, str], gold_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "m.json"

    result = run(env, "train", "--data", str(gold_file), "-o", str(path))

    version = json.loads(path.read_text(encoding="utf-8"))["version"]
    assert f"Model {version}: 12 conversations" in result.stdout


def test_training_twice_writes_identical_files(
    env: dict[str, str], gold_file: Path, model_file: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.json"

    result = run(env, "train", "--data", str(gold_file), "-o", str(again))

    assert result.exit_code == 0, result.output
    assert again.read_bytes() == model_file.read_bytes()


def test_train_refuses_a_file_with_bad_lines(env: dict[str, str], tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "bad.jsonl", [*labelled_records(), "{not json"])
    target = tmp_path / "m.json"

    result = run(env, "train", "--data", str(data), "-o", str(target))

    assert result.exit_code == 1
    assert "line 13" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("command", ["audit", "eval"])
def test_a_missing_model_file_exits_2_with_a_message(
    env: dict[str, str], gold_file: Path, tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "no-model.json"
    output = ["-o", str(tmp_path / "out.jsonl")] if command == "audit" else []

    result = run(env, command, str(gold_file), *output, "--model", str(missing))

    assert result.exit_code == 2
    assert "cannot load the model" in result.stderr
    assert str(missing) in result.stderr


def test_a_model_file_that_is_not_a_model_exits_2(
    env: dict[str, str], gold_file: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 999}', encoding="utf-8")

    result = run(
        env, "audit", str(gold_file), "-o", str(tmp_path / "o.jsonl"), "--model", str(broken)
    )

    assert result.exit_code == 2
    assert "cannot load the model" in result.stderr


# --- reaudit --------------------------------------------------------------------------------


def test_reaudit_reports_how_many_it_audited_again_then_none(
    env: dict[str, str], gold_file: Path, model_file: Path
) -> None:
    imported = run(env, "import", "conversations", str(gold_file))
    assert imported.exit_code == 0, imported.output
    with_model = {**env, "KEEPWORD_AUDIT_MODEL": str(model_file)}
    version = json.loads(model_file.read_text(encoding="utf-8"))["version"]

    first = run(with_model, "reaudit")
    second = run(with_model, "reaudit")

    assert first.exit_code == 0, first.output
    assert f"12 conversations re-audited with model {version}." in first.stdout
    assert second.exit_code == 0, second.output
    assert f"0 conversations re-audited with model {version}." in second.stdout


def test_reaudit_right_after_an_import_with_the_same_model_has_nothing_to_do(
    env: dict[str, str], gold_file: Path, model_file: Path
) -> None:
    with_model = {**env, "KEEPWORD_AUDIT_MODEL": str(model_file)}
    assert run(with_model, "import", "conversations", str(gold_file)).exit_code == 0

    result = run(with_model, "reaudit")

    assert result.exit_code == 0, result.output
    assert "0 conversations re-audited" in result.stdout
