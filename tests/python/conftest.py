"""Fixtures for the API tests; the server helpers live in hone_server.py (a unique module name,
since trainer/tests has a conftest of its own)."""
import pytest

from hone_server import start_server, stop_server


@pytest.fixture(scope="session")
def hone():
    s = start_server()
    yield s
    stop_server(s)
