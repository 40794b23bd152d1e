"""Upload client for bench/upload, with the official openai Python SDK (the seed guide's client).

Usage: client.py URL KEY files FILE            -> files.create of FILE
       client.py URL KEY uploads FILE PART_SIZE -> the chunked Uploads API (upload_file_chunked)
Prints one JSON line: the bytes the server reports and the seconds the call took.
"""
import json
import sys
import time

from openai import OpenAI

url, key, mode, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
client = OpenAI(api_key=key, base_url=url + "/v1", max_retries=0, timeout=3600)

if mode == "files":
    t = time.perf_counter()
    with open(path, "rb") as fh:
        created = client.files.create(file=fh, purpose="user_data")
    seconds = time.perf_counter() - t
    client.files.delete(created.id)
    print(json.dumps({"bytes": created.bytes, "s": seconds}))
else:
    t = time.perf_counter()
    upload = client.uploads.upload_file_chunked(
        file=path, mime_type="application/octet-stream", purpose="user_data", part_size=int(sys.argv[5])
    )
    seconds = time.perf_counter() - t
    assert upload.status == "completed", upload
    print(json.dumps({"bytes": upload.file.bytes, "s": seconds}))
