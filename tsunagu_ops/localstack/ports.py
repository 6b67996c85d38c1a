"""TCP ports of the local stack: whether one is taken, and picking free ones."""

from __future__ import annotations

import random
import socket
from pathlib import Path

HOST = "127.0.0.1"
# Below the kernel's range of ephemeral ports (32768-60999 by default), so that no outgoing
# connection of any process can take a port between its choice and the server's bind.
PICK_RANGE = range(20_000, 32_000)
_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_handed_out: set[int] = set()


def port_bindable(host: str, port: int) -> bool:
    """Tell whether a server could listen on ``host:port`` now (as servers do, reusing it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def port_in_use(host: str, port: int) -> bool:
    """Tell whether something accepts TCP connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _ephemeral() -> range:
    """Return the ports the kernel hands to outgoing connections."""
    try:
        low, high = (int(n) for n in _EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        low, high = 32_768, 60_999
    return range(low, high + 1)


def free_port(host: str = HOST) -> int:
    """Return a port a server can bind now, outside the ephemeral range, not given out before.

    Binding port 0 would return an ephemeral port, which an outgoing connection elsewhere may
    take before the server that was handed it starts listening.
    """
    ephemeral = _ephemeral()
    candidates = [p for p in PICK_RANGE if p not in ephemeral and p not in _handed_out]
    random.shuffle(candidates)
    for port in candidates:
        if port_bindable(host, port) and not port_in_use(host, port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port in {PICK_RANGE.start}-{PICK_RANGE.stop - 1}")
