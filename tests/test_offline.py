"""The tests run with the network cut off (tests/offline.sh), so nothing in them can download."""

from __future__ import annotations

import os
import socket

import pytest


def test_ci_runs_offline():
    if os.environ.get("CI"):
        assert os.environ.get("TFBOOK_NETWORK_BLOCKED") == "1", "CI must run the tests through tests/offline.sh"


@pytest.mark.skipif(os.environ.get("TFBOOK_NETWORK_BLOCKED") != "1", reason="not run through tests/offline.sh")
def test_the_network_is_really_blocked():
    with pytest.raises(OSError):
        socket.create_connection(("pypi.org", 443), timeout=5)
    with socket.socket() as s:  # loopback still works (kernels, chapter 9's workers)
        s.bind(("127.0.0.1", 0))
        s.listen()
        socket.create_connection(s.getsockname(), timeout=5).close()
