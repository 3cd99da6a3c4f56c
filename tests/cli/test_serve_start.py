"""`ctlkg serve` on a busy port: one line naming the ways to change the port, before anything else."""

from __future__ import annotations

import os
import socket
import subprocess

from live_servers import CTLKG, free_port


def test_busy_port_says_how_to_change_it() -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = subprocess.run([CTLKG, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(port) in lines[0] and "--port" in lines[0] and "CTLKG_PORT" in lines[0]
    assert "Traceback" not in result.stderr


def test_busy_port_from_the_environment_is_reported_too() -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = subprocess.run([CTLKG, "serve", "--host", "127.0.0.1"], capture_output=True, text=True,
                                timeout=120, check=False, env={**os.environ, "CTLKG_PORT": str(port)})
    assert result.returncode != 0 and "CTLKG_PORT" in result.stderr and str(port) in result.stderr

