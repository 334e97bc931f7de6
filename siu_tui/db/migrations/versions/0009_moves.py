"""Invitations still queued for a conference that will not take place are marked not needed.

Before this version holding, standing down or cancelling a conference left its queued
invitation e-mails queued, so the next `siu outbox send` or `export` would have invited
people to a conference that had been held, stood down or cancelled. Each such invitation is
marked "not needed" with the same reason the app now records when it withdraws one, and an
audit event in the conference's history says the upgrade did it. Other kinds of e-mail (an
advocacy referral, a cancellation notice) are left as they are.

Revision ID: 0009_moves
Revises: 0008_folded
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

from siu_tui.clock import now
from siu_tui.db.models import new_id

revision = "0009_moves"
down_revision = "0008_folded"
branch_labels = None
depends_on = None

ACTOR = "siu db upgrade"
STALE = """
    SELECT outbox.id, outbox.last_error, invitee.conference_id, conference.status
    FROM outbox
    JOIN invitee ON invitee.id = outbox.related_id
    JOIN conference ON conference.id = invitee.conference_id
    WHERE outbox.state = 'queued' AND outbox.kind = 'invitation'
      AND conference.status <> 'booked'
"""
REASONS = {
    "held": "Not sent: the conference was held",
    "stood_down": "Not sent: the conference was stood down",
    "cancelled": "Not sent: the conference was cancelled",
}


def upgrade() -> None:
    bind = op.get_bind()
    stale = bind.execute(sa.text(STALE)).all()
    if not stale:
        return
    # One portable UPDATE per status (SQLite and PostgreSQL alike), then the audit events.
    for status, reason in REASONS.items():
        bind.execute(
            sa.text(
                """
                UPDATE outbox SET state = 'stopped', last_error = :reason
                WHERE state = 'queued' AND kind = 'invitation' AND related_id IN (
                    SELECT invitee.id FROM invitee
                    JOIN conference ON conference.id = invitee.conference_id
                    WHERE conference.status = :status
                )
                """
            ),
            {"reason": reason, "status": status},
        )
    event = sa.table(
        "audit_event",
        sa.column("id", sa.String),
        sa.column("at", UTCDateTime()),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("record_type", sa.String),
        sa.column("record_id", sa.String),
        sa.column("conference_id", sa.String),
        sa.column("before", sa.String),
        sa.column("after", sa.String),
    )
    at = now()
    bind.execute(
        event.insert(),
        [
            {
                "id": new_id(),
                "at": at,
                "actor": ACTOR,
                "action": "stop e-mail",
                "record_type": "outbox",
                "record_id": message_id,
                "conference_id": conference_id,
                "before": json.dumps({"last_error": error, "state": "queued"}, sort_keys=True),
                "after": json.dumps(
                    {"last_error": REASONS.get(status), "state": "stopped"}, sort_keys=True
                ),
            }
            for message_id, error, conference_id, status in stale
            if status in REASONS
        ],
    )


def downgrade() -> None:
    """Nothing to undo: queueing those invitations again would send them."""
