"""`enrich`: the admin CLI (typer). One module per command group:

- database.py: `enrich db …`
- workflows.py: `enrich workflow …`, `enrich workspace …`, `enrich pipeline …`
- batches.py: `enrich load`, `status`, `export`, `demo`
- servers.py: `enrich worker`, `serve`, `clay-sim`, `run`
- operations.py: `enrich doctor`, `retry`, `refresh`, `stats`, `prune`

common.py holds what they share (errors, options), render.py the tables people read,
export_rows.py the flat rows of a CSV export.
"""

from pyworker.cli import batches, database, operations, servers, workflows
from pyworker.cli.root import app

app.add_typer(database.app, name="db")
app.add_typer(workflows.workflow_app, name="workflow")
app.add_typer(workflows.workspace_app, name="workspace")
app.add_typer(workflows.pipeline_app, name="pipeline")

__all__ = ["app", "batches", "operations", "servers"]
