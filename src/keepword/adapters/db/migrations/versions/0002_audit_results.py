"""Audit results: the latest audit of each conversation, its turn labels and findings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:58:53.663453
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import keepword.adapters.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column(
            "audited_at", keepword.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("unsupported", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_audits_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_audits_conversation_id")),
    )
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audits_model_version"), ["model_version"], unique=False
        )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("at", keepword.adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_findings_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_findings_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_findings_label"), ["label"], unique=False)

    op.create_table(
        "turn_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("at", keepword.adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_turn_labels_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_turn_labels_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_labels")),
    )
    with op.batch_alter_table("turn_labels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turn_labels_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_turn_labels_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index("ix_turn_labels_at_id", ["at", "id"], unique=False)
        batch_op.create_index("ix_turn_labels_label_at", ["label", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_turn_labels_team"), ["team"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("turn_labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turn_labels_team"))
        batch_op.drop_index("ix_turn_labels_at_id")
        batch_op.drop_index("ix_turn_labels_label_at")
        batch_op.drop_index(batch_op.f("ix_turn_labels_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_turn_labels_agent_id"))

    op.drop_table("turn_labels")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_label"))
        batch_op.drop_index(batch_op.f("ix_findings_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_findings_at"))

    op.drop_table("findings")
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_model_version"))

    op.drop_table("audits")
