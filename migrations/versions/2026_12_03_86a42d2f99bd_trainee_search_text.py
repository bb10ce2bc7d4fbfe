"""the officers' trainee search in the database: each profile's code and name, folded, in `trainee_profile.search_text`

The search used to load and fold every profile's code and name on each request; the folded text is now stored when a
profile is written (profiles.models) and the search is a LIKE on it. Existing rows are filled in batches.

On PostgreSQL a trigram index (pg_trgm) lets that LIKE skip the table scan for all but very common words; where the
extension cannot be created (no privilege) the migration goes on without it: the search is the same, only slower.

Revision ID: 86a42d2f99bd
Revises: dd28360ba26e
Create Date: 2026-12-03 16:10:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from profiles.models import searched_text

revision: str = "86a42d2f99bd"
down_revision: str | None = "dd28360ba26e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Profiles read and written per round trip while filling the column.
BATCH = 1000
#: The trigram index of the search text (PostgreSQL only; not in the models' metadata, which no dialect option fits).
TRIGRAM_INDEX = "ix_trainee_profile_search_text_trgm"

profiles = sa.table("trainee_profile", sa.column("id", sa.Integer), sa.column("code", sa.String),
                    sa.column("full_name", sa.String), sa.column("search_text", sa.String))  # fmt: skip


def upgrade() -> None:
    """Apply the change."""
    with op.batch_alter_table("trainee_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sqlmodel.sql.sqltypes.AutoString(), server_default="", nullable=False))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(sa.select(profiles.c.id, profiles.c.code, profiles.c.full_name)
                                  .where(profiles.c.id > last).order_by(profiles.c.id).limit(BATCH)).all()  # fmt: skip
        if not rows:
            break
        connection.execute(profiles.update().where(profiles.c.id == sa.bindparam("pid")).values(search_text=sa.bindparam("text")),
                           [{"pid": pid, "text": searched_text(code, name)} for pid, code, name in rows])  # fmt: skip
        last = rows[-1][0]
    if connection.dialect.name == "postgresql":
        _trigram_index(connection)


def _trigram_index(connection: sa.Connection) -> None:
    """Create the trigram index of the search text, unless pg_trgm cannot be had (the search works without it)."""
    try:
        with connection.begin_nested():
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            # The extension may live in a schema off the search path (installed earlier, elsewhere): name its class there.
            schema = connection.execute(sa.text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )).scalar_one()  # fmt: skip
            opclass = f'"{schema}".gin_trgm_ops'
            connection.execute(sa.text(f"CREATE INDEX {TRIGRAM_INDEX} ON trainee_profile USING gin (search_text {opclass})"))
    except sa.exc.DBAPIError as error:
        logging.getLogger("alembic.runtime.migration").warning("no trigram index of the trainees' search: %s", error.orig)


def downgrade() -> None:
    """Undo the change (the search folds every profile again); pg_trgm stays, other tables may use it."""
    op.execute(sa.text(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}"))
    with op.batch_alter_table("trainee_profile", schema=None) as batch_op:
        batch_op.drop_column("search_text")
