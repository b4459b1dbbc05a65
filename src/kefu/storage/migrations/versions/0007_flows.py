"""flows: versions of guided flows, runs in conversations, sealed (secret) customer inputs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "flow_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_flow_versions_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_versions")),
        sa.UniqueConstraint("key", "version", name="uq_flow_versions_key_version"),
    )
    op.create_index(op.f("ix_flow_versions_key"), "flow_versions", ["key"], unique=False)
    op.create_table(
        "flow_runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("flow_version_id", ID, nullable=False),
        sa.Column("flow_key", sa.String(length=48), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("secret_input", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_flow_runs_conversation_id_conversations")
        ),
        sa.ForeignKeyConstraint(
            ["flow_version_id"], ["flow_versions.id"], name=op.f("fk_flow_runs_flow_version_id_flow_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_runs")),
    )
    op.create_index("ix_flow_runs_conversation_status", "flow_runs", ["conversation_id", "status"], unique=False)
    op.create_index("ix_flow_runs_status_expires", "flow_runs", ["status", "expires_at"], unique=False)
    op.create_table(
        "sealed_inputs",
        sa.Column("id", ID, nullable=False),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], name=op.f("fk_sealed_inputs_conversation_id_conversations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_inputs")),
    )
    op.create_index(op.f("ix_sealed_inputs_conversation_id"), "sealed_inputs", ["conversation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("sealed_inputs")
    op.drop_table("flow_runs")
    op.drop_table("flow_versions")
