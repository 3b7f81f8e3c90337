"""The audit log is append-only in the database itself, not only in the ORM

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 17:15:00

The ORM guard (selvvisitation/models/audit.py) stops a flushed change or delete of an
AuditEntry; it does not stop raw SQL, a bulk `update()`/`delete()` statement or another
program on the same database. These triggers refuse every UPDATE and DELETE of an
audit_entry row, and on PostgreSQL a TRUNCATE of the table, whoever sends it. INSERT is
untouched. The table's owner can still drop the triggers: the database role the app
connects as should not own the tables where that matters (docs/deployment.md).

On SQLite a later batch migration that rebuilds audit_entry (move and copy) drops its
triggers with the old table: such a revision must create them again (the trigger tests in
tests/test_audit_trigger.py run at head and would fail).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

POSTGRESQL_UPGRADE = (
    """
    CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP
            USING HINT = 'Record a new audit entry instead of changing or removing one.';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()
    """,
    """
    CREATE TRIGGER audit_entry_no_truncate
    BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()
    """,
)
POSTGRESQL_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_change()",
)

# SQLite has no TRUNCATE; `DELETE FROM audit_entry` without WHERE fires the delete trigger.
SQLITE_UPGRADE = (
    """
    CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: DELETE refused'); END
    """,
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
)


def _statements(postgresql, sqlite):
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        return postgresql
    if dialect == 'sqlite':
        return sqlite
    raise NotImplementedError(f'no append-only audit trigger for {dialect}')


def upgrade():
    for statement in _statements(POSTGRESQL_UPGRADE, SQLITE_UPGRADE):
        op.execute(statement)


def downgrade():
    for statement in _statements(POSTGRESQL_DOWNGRADE, SQLITE_DOWNGRADE):
        op.execute(statement)
