"""Fixtures for the API tests; the server helpers live in hone_server.py (a unique module name,
since trainer/tests has a conftest of its own)."""
import pytest

from hone_server import start_server, stop_server


@pytest.fixture(scope="session")
def hone():
    # Tests never reach the real hub (the hub path is tested against a local one in tests/node):
    # offline, an unknown hub id is a 400 hub_offline, not a lookup that depends on the network.
    s = start_server(env_extra={"HF_HUB_OFFLINE": "1"})
    yield s
    stop_server(s)


@pytest.fixture
def fuzz_server():
    """The fuzzer's own server: what it starts (jobs, benchmarks, exports, chat workers) ends with it,
    instead of training beside the tests that follow. The fuzzer sends valid chat requests too: a
    small per-request cap keeps each to a few tokens on the CPU."""
    s = start_server(env_extra={"HF_HUB_OFFLINE": "1", "HONE_SERVE_MAX_TOKENS": "8"})
    yield s
    stop_server(s)
