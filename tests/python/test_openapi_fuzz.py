"""Property-based fuzzing of the whole API from its own OpenAPI document (Schemathesis).

Checks: no 5xx on any input, and every documented response matches its schema.
"""
import subprocess
import sys

from hone_server import KEY


def test_schemathesis_finds_no_server_errors(fuzz_server, tmp_path):
    report = tmp_path / "st.txt"
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{fuzz_server.url}/openapi.json",
        "--header", f"Authorization: Bearer {KEY}",
        "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
        "--max-examples", "25",  # CI has a time budget: 25 per operation still covers every route
        "--phases", "examples,coverage,fuzzing,stateful",
        "--workers", "1",
        "--request-timeout", "60",  # a chat request may wait for its worker to load beside a trainer
        "--suppress-health-check", "all",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    report.write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-4000:]
