"""The chief's address (HOST:PORT): parsing and the checks made before any process starts.

Each problem is one sentence (a ParamError or RunError) so that a learner typing the command
over SSH sees what to fix, not a gRPC traceback ten seconds later.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass

from engine.errors import ParamError, RunError

CONNECT_SECONDS = 3.0  # long enough for a LAN or an SSH tunnel, short enough not to look hung


@dataclass(frozen=True)
class OracleAddress:
    """Where the chief serves keras-tuner's oracle over gRPC."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_address(text: str | None) -> OracleAddress:
    """`HOST:PORT` (or `[IPv6]:PORT`) into an address, or one sentence saying what is wrong."""
    text = (text or "").strip()
    example = "for example --oracle 127.0.0.1:8470"
    if not text:
        raise ParamError(f"A distributed search needs the chief's address: give --oracle HOST:PORT, {example}.")
    host, colon, port_text = text.rpartition(":")
    if not colon or not host or not port_text:
        raise ParamError(f"--oracle '{text}' has no port; write HOST:PORT, {example}.")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ParamError(f"--oracle '{text}' looks like an IPv6 address; write it as [ADDRESS]:PORT.")
    try:
        port = int(port_text)
    except ValueError:
        raise ParamError(f"--oracle '{text}': the port must be a whole number from 1 to 65535.") from None
    if not 1 <= port <= 65535:
        raise ParamError(f"--oracle '{text}': the port must be a whole number from 1 to 65535.")
    return OracleAddress(host, port)


def check_port_free(address: OracleAddress) -> None:
    """The chief refuses, before importing TensorFlow, a port it could not serve on."""
    try:
        infos = socket.getaddrinfo(address.host, address.port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise RunError(f"The chief cannot serve on {address}: this machine does not know the host name "
                       f"'{address.host}'; use one of its own addresses (or 0.0.0.0 for all of them).") from None
    family, kind, proto, _, sockaddr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # as gRPC's own server does: connections of a chief that just ended (TIME_WAIT) do not block the port
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(sockaddr)
        except OSError as error:
            if error.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise RunError(f"Port {address.port} on {address.host} is already in use (another chief or "
                               "program holds it); choose another port with --oracle HOST:PORT.") from None
            raise RunError(f"The chief cannot serve on {address}: {error.strerror or error}; use one of this "
                           "machine's own addresses (or 0.0.0.0 for all of them).") from None


def check_reachable(address: OracleAddress, timeout: float = CONNECT_SECONDS) -> None:
    """A worker refuses to start when nothing answers at the chief's address."""
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout):
            return
    except socket.gaierror:
        raise RunError(f"The chief's host name '{address.host}' cannot be resolved from this machine; "
                       "check --oracle HOST:PORT.") from None
    except OSError:
        raise RunError(f"No chief answers at {address}; start it first with `ch11-tutor run tune --distributed "
                       f"chief --oracle {address}` and check the address and any firewall between the "
                       "machines.") from None
