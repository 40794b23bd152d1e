"""The seed guide's Upload API section, run with the official openai Python SDK.

The snippets are copied verbatim from shared/seed/upload-finetune-api.md; the only change is the
path of the file to upload (the guide's placeholder path), which the test creates.
"""
import io
import os
import subprocess
from contextlib import redirect_stdout

import pytest

from hone_server import KEY, SEED_SETUP, start_server, stop_server

SEED_CREATE = '''
client.files.create(
    file=open("/Path/to/your/file/demo.txt", "rb"),
    purpose="fine-tune"
)
'''

SEED_LIST = '''
files_list = client.files.list()

# Iterate over the files and print their details
for file_obj in files_list.data:
    print(f"ID: {file_obj.id}")
    print(f"Bytes: {file_obj.bytes}")
    print(f"Created At: {file_obj.created_at}")
    print(f"Filename: {file_obj.filename}")
    print(f"Object: {file_obj.object}")
    print(f"Purpose: {file_obj.purpose}")
    print(f"Checksum: {file_obj.checksum}")
    print("-" * 40)
'''

SEED_DELETE = '''
client.files.delete("fine-tune-upload1-demo")
'''

DEMO = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n' * 10


@pytest.fixture
def fresh_server(monkeypatch, tmp_path):
    """A fresh server (the seed's ids count from 1), with the guide's environment variables."""
    s = start_server()
    monkeypatch.setenv("API_BASE", s.url)
    monkeypatch.setenv("API_KEY", KEY)
    yield s
    stop_server(s)


def run(snippet: str, ns: dict):
    out = io.StringIO()
    with redirect_stdout(out):
        mode = "exec" if "\n" in snippet.strip() or "for " in snippet else "eval"
        result = eval(compile(snippet.strip(), "<seed>", mode), ns)
    return result, out.getvalue()


def test_seed_upload_list_delete(fresh_server, tmp_path):
    demo = tmp_path / "demo.txt"
    demo.write_bytes(DEMO)
    ns: dict = {}
    exec(SEED_SETUP, ns)
    created = eval(SEED_CREATE.strip().replace("/Path/to/your/file/demo.txt", str(demo)), ns)
    assert created.id == "fine-tune-upload1-demo"
    assert created.bytes == len(DEMO) and created.filename == "demo.txt" and created.purpose == "fine-tune"
    assert created.object == "file"
    import hashlib
    assert created.checksum == hashlib.md5(DEMO).hexdigest()

    out = io.StringIO()
    with redirect_stdout(out):
        exec(SEED_LIST, ns)
    text = out.getvalue()
    assert "ID: fine-tune-upload1-demo" in text
    assert f"Bytes: {len(DEMO)}" in text and "Filename: demo.txt" in text and "Purpose: fine-tune" in text
    assert f"Checksum: {hashlib.md5(DEMO).hexdigest()}" in text

    deleted = eval(SEED_DELETE.strip(), ns)
    assert deleted.id == "fine-tune-upload1-demo" and deleted.deleted is True and deleted.object == "file"
    assert ns["client"].files.list().data == []


def test_seed_health_checks_with_curl(fresh_server):
    """`curl $API_BASE` and `curl -H "Authorization: Bearer $API_KEY" $API_BASE`, as in the guide."""
    env = {**os.environ}
    plain = subprocess.run(["curl", "-s", env["API_BASE"]], capture_output=True, text=True, check=True)
    assert plain.stdout == '{"Hone Server":"online"}'
    authed = subprocess.run(
        ["bash", "-c", 'curl -s -H "Authorization: Bearer $API_KEY" $API_BASE'],
        capture_output=True, text=True, check=True, env=env,
    )
    assert authed.stdout == '{"Hone Server":"online"}'


def test_sdk_errors_and_uploads_helper(hone, tmp_path):
    from openai import AuthenticationError, NotFoundError, OpenAI

    client = OpenAI(api_key=KEY, base_url=hone.url + "/v1", max_retries=0)
    with pytest.raises(NotFoundError) as e:
        client.files.retrieve("file-does-not-exist")
    assert e.value.body["message"].startswith("No such File object")
    assert e.value.request_id and e.value.request_id.startswith("req_")
    with pytest.raises(AuthenticationError):
        OpenAI(api_key="wrong", base_url=hone.url + "/v1", max_retries=0).files.list()

    # The SDK's chunked-upload helper: create → parts → complete, with md5.
    big = tmp_path / "train.jsonl"
    big.write_bytes(DEMO * 2000)
    import hashlib
    upload = client.uploads.upload_file_chunked(
        file=big, mime_type="application/jsonl", purpose="fine-tune", part_size=256 * 1024,
        md5=hashlib.md5(big.read_bytes()).hexdigest(),
    )
    assert upload.status == "completed" and upload.file.bytes == big.stat().st_size
    assert client.files.content(upload.file.id).read() == big.read_bytes()
    # wait_for_processing returns once the status is final.
    done = client.files.wait_for_processing(upload.file.id, poll_interval=0.1, max_wait_seconds=30)
    assert done.status in ("processed", "error")
