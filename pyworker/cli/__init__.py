"""`enrich`: the admin CLI (typer). One module per command group:

- database.py: `enrich db …`
- workflows.py: `enrich workflow …`, `enrich workspace …`, `enrich pipeline …`
- batches.py: `enrich load`, `status`, `export`, `demo`
- servers.py: `enrich worker`, `serve`, `ui`, `clay-sim`, `run`
- operations.py: `enrich doctor`, `retry`, `refresh`, `stats`, `prune`
- identity.py: `enrich lookup`, `merges`

common.py holds what they share (errors, options), render.py the tables people read.
"""

import getpass
import os
import sys

import psycopg
from psycopg.conninfo import conninfo_to_dict

from pyworker import config
from pyworker.cli import batches, database, identity, operations, servers, workflows
from pyworker.cli.common import err
from pyworker.cli.root import app

app.add_typer(database.app, name="db")
app.add_typer(workflows.workflow_app, name="workflow")
app.add_typer(workflows.workspace_app, name="workspace")
app.add_typer(workflows.pipeline_app, name="pipeline")


def main() -> None:
    """The `enrich` command: the app, with one clear message for a missing privilege
    (whichever command met it) instead of a traceback."""
    try:
        app()
    except config.BadSetting as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(2)
    except (psycopg.errors.DuplicatePreparedStatement, psycopg.errors.InvalidSqlStatementName):
        err.print(f"error: {POOLED}", markup=False)
        sys.exit(1)
    except psycopg.errors.QueryCanceled as exc:
        err.print(
            f"error: {exc.diag.message_primary or exc}: a statement_timeout of the role or the "
            "server stopped it (SHOW statement_timeout); raise it for this role, e.g. ALTER "
            "ROLE <role> SET statement_timeout = '10min'",
            markup=False,
        )
        sys.exit(1)
    except psycopg.errors.InsufficientPrivilege as exc:
        err.print(f"error: {exc.diag.message_primary or exc}", markup=False)
        err.print(f"  as database role {_login_role()!r}. {PRIVILEGES}", markup=False)
        sys.exit(1)


POOLED = (
    "a prepared statement went missing or appeared twice: DATABASE_URL points at a pooler "
    "in transaction mode (PgBouncer, Supavisor on port 6543). Set ENRICH_POOLER=transaction "
    "(and ENRICH_LISTEN_URL to a direct or session-mode URL, for LISTEN)."
)

PRIVILEGES = (
    "The CLI needs a login role granted enrich_admin (as the database owner: GRANT "
    "enrich_admin TO <role>); `enrich db migrate` needs the owner of the enrich schema. "
    "See README.md, Deployment."
)


def _login_role() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    try:
        user = conninfo_to_dict(url).get("user") if url else None
    except psycopg.ProgrammingError:  # the role is a courtesy in a message about another thing
        user = None
    return str(user or getpass.getuser())


__all__ = ["app", "batches", "identity", "main", "operations", "servers"]
