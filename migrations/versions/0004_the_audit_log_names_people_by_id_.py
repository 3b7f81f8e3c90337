"""The audit log names people by id, without foreign keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 10:14:05.733787

Every page a staff member opens writes an audit entry for each citizen it shows (issue 6).
With foreign keys to citizen, staff_user and relative, PostgreSQL looked up every person an
entry names and locked her row (FOR KEY SHARE) until the request committed: for a day list
of 8 citizens, 16 lookups and locks, some 0.3 ms of the database's CPU in a request of
about 10 ms, and the same worker's row locked by every request she had in flight (issue 17).
The app writes an entry only for people it has just read, so the keys checked nothing the
app does not already know. The log records who acted for whom; it does not hold their rows.

On SQLite the table is rebuilt without the keys (a batch migration: move and copy), which
drops its append-only triggers with the old table (0002): they are made again here, in
upgrade and in downgrade (tests/test_audit_trigger.py checks them at head).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

FOREIGN_KEYS = (
    ('fk_audit_entry_actor_staff_id_staff_user', 'staff_user', 'actor_staff_id'),
    ('fk_audit_entry_actor_relative_id_relative', 'relative', 'actor_relative_id'),
    ('fk_audit_entry_actor_citizen_id_citizen', 'citizen', 'actor_citizen_id'),
    ('fk_audit_entry_citizen_id_citizen', 'citizen', 'citizen_id'),
)

# As 0002 made them on SQLite; PostgreSQL alters the table in place and keeps its triggers.
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: DELETE refused'); END
    """,
)


def _triggers_again_on_sqlite():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        for name, _table, _column in FOREIGN_KEYS:
            batch_op.drop_constraint(name, type_='foreignkey')
    _triggers_again_on_sqlite()


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        for name, table, column in FOREIGN_KEYS:
            batch_op.create_foreign_key(name, table, [column], ['id'])
    _triggers_again_on_sqlite()
