"""Is the port free? Asked before the store is compiled, so a busy port costs one line, not a start-up."""

from __future__ import annotations

import socket

from ctlkg.errors import ConfigError


def ensure_free(host: str, port: int) -> None:
    """Raise a ConfigError naming ``--port`` and ``CTLKG_PORT`` when ``host:port`` cannot be bound.

    uvicorn would otherwise log the URLs, compile the data, then exit with code 3 and no hint. The probe
    binds as uvicorn does (SO_REUSEADDR), so a port in TIME_WAIT is not taken for a busy one."""
    if port == 0:
        return  # the system picks a free one
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from exc
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(
                f"port {port} on {host} is busy ({exc.strerror}); "
                "choose another with `--port PORT` or the CTLKG_PORT environment variable"
            ) from exc
