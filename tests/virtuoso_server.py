"""A throw-away OpenLink Virtuoso 7 instance for the tests (and the benchmark): its own database directory
and virtuoso.ini, free loopback ports, `virtuoso-t +foreground`, SPARQL Update granted to the anonymous
SPARQL user so `ctlkg load --endpoint` and the Graph Store Protocol work without credentials.

Debian's `virtuoso-opensource` package provides `virtuoso-t` and `isql-vt` (`make system-deps`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from live_servers import Virtuoso, free_port, spawn, stop, wait_until_up

#: Small buffers (8 kB pages: about 80 MB), enough for the shipped data and 100 synthetic clusters.
BUFFERS = 10_000
DIRTY_BUFFERS = 6_000
#: Virtuoso cuts every answer at ResultSetMaxRows (10,000 by default) without saying so in the body:
#: the instance allows more than any test asks, the backend still checks the header it sends when it cuts.
MAX_ROWS = 1_000_000
#: Run as the Debian package's own ini does, with the paths and ports of this instance.
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""
#: The anonymous SPARQL user may write (this instance listens on loopback only and lives for one session).
GRANTS = 'grant SPARQL_UPDATE to "SPARQL";'


def installed() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None


def isql(instance: Virtuoso, sql: str) -> str:
    """Run SQL as dba (the default password of a fresh database) and return isql's output."""
    result = subprocess.run(
        ["isql-vt", f"127.0.0.1:{instance.sql_port}", "dba", "dba", f"exec={sql}"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    if result.returncode != 0 or "*** Error" in result.stdout:
        raise RuntimeError(f"isql-vt {sql!r} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout


def start(directory: Path, log: Path) -> tuple[subprocess.Popen[bytes], Virtuoso]:
    """Create a database in ``directory`` and run Virtuoso on it until it answers SPARQL."""
    if not installed():
        raise RuntimeError("Virtuoso is not installed: `make system-deps` installs Debian's virtuoso-opensource")
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(db=directory, sql_port=sql_port, http_port=http_port, buffers=BUFFERS,
                              dirty=DIRTY_BUFFERS, max_rows=MAX_ROWS))
    process = spawn(["virtuoso-t", "+foreground", "+configfile", str(ini)], log)
    instance = Virtuoso(f"http://127.0.0.1:{http_port}", sql_port)
    try:
        wait_until_up(instance.sparql + "?query=ASK%7B%7D", process, log)
        isql(instance, GRANTS)
    except BaseException:
        stop(process)
        raise
    return process, instance
