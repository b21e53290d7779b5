"""The embedded default database: a private PostgreSQL cluster under the project folder.

Used whenever DATABASE_URL is unset. initdb on first use, its own port (derived from the
folder, so two checkouts never collide) and socket dir, started on demand. As root the
server runs as the `postgres` user, as PostgreSQL requires.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pyworker.paths import REPO_ROOT

PG_BIN = Path(os.environ.get("ENRICH_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE_NAME = "enrich"
# A million-row batch runs in one transaction: its tables and indexes should fit in shared
# buffers, its hash joins in work_mem, and checkpoints should not fire every few seconds
# (each one makes the next change to every page write a full page image to the WAL); the
# parts of a load write WAL at once, and with the default 16 MB of WAL buffers they wait on
# each other's WAL writes.
BULK_SETTINGS = {
    "shared_buffers": "1GB",
    "wal_buffers": "64MB",
    "work_mem": "64MB",
    "maintenance_work_mem": "256MB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
}


@dataclass(frozen=True)
class LocalCluster:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def port(self) -> int:
        digest = hashlib.sha256(str(self.root).encode()).digest()
        return 40000 + int.from_bytes(digest[:2], "big") % 20000

    @property
    def socket_dir(self) -> Path:
        own = self.root / "run"
        # A Unix socket path is limited to 107 bytes; fall back to /tmp for deep folders.
        if len(str(own)) + len(f"/.s.PGSQL.{self.port}.lock") < 100:
            return own
        return Path("/tmp") / f"enrich-pg-{self.port}"

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    # -- life cycle ---------------------------------------------------------------------
    def is_running(self) -> bool:
        if not (self.data_dir / "PG_VERSION").exists():
            return False
        result = self._run(["pg_ctl", "-D", str(self.data_dir), "status"], check=False)
        return result.returncode == 0

    def ensure_running(self) -> str:
        """Create and start the cluster if needed; return the URL of database `enrich`."""
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        if not self.is_running():
            self._prepare_dirs()
            self.pg_ctl("start")
        self._ensure_database()
        return self.url()

    def pg_ctl(self, action: str, *flags: str) -> None:
        """pg_ctl ACTION (start, restart) for this cluster, with its server options; waits."""
        self._run(
            [
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),  # else the server keeps our stdout pipe open: run() hangs
                "-w",
                "-t",
                "60",
                "-o",
                self._server_options(),
                *flags,
                action,
            ]
        )

    def stop(self) -> bool:
        if not self.is_running():
            return False
        self._run(["pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
        return True

    # -- internals ----------------------------------------------------------------------
    def _server_options(self) -> str:
        """Own port and socket dir, no TCP listener: private to this machine's users. Memory
        and checkpoint settings for million-row batches (docs/performance.md explains them)."""
        return f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' " + " ".join(
            f"-c {name}={value}" for name, value in BULK_SETTINGS.items()
        )

    def _as_server_user(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = self._as_server_user() + [str(PG_BIN / argv[0]), *argv[1:]]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{argv[0]} failed ({result.returncode}): {result.stderr.strip()}"
                f"\nserver log: {self.log_file}"
            )
        return result

    def _prepare_dirs(self) -> None:
        for path in (self.root, self.socket_dir):
            path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            for path in (self.root, self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
            _let_others_traverse(self.root.parent)

    def _initdb(self) -> None:
        if shutil.which(str(PG_BIN / "initdb")) is None:
            raise RuntimeError(f"PostgreSQL server binaries not found in {PG_BIN}")
        self._prepare_dirs()
        self._run(
            [
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ]
        )
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# enrich-once private cluster\nmax_connections = 200\n")

    def _ensure_database(self) -> None:
        exists = self._psql("select 1 from pg_database where datname = 'enrich'")
        if exists.strip() != "1":
            self._psql(f"create database {DATABASE_NAME}")

    def _psql(self, sql: str) -> str:
        return self._run(
            [
                "psql",
                "-X",
                "-qAt",
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                sql,
            ]
        ).stdout


def _let_others_traverse(folder: Path) -> None:
    """The server user must reach its data dir: add o+x to ancestors that lack it."""
    for path in [folder, *folder.parents]:
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(path, mode | stat.S_IXOTH)


def default_cluster() -> LocalCluster:
    root = os.environ.get("ENRICH_LOCAL_DB_DIR")
    if root:
        return LocalCluster(Path(root).resolve())
    project = REPO_ROOT if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd()
    return LocalCluster(project / ".pgdata")
