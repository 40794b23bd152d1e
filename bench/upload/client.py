"""Upload client for bench/upload, with the official openai Python SDK (the seed guide's client).

Prints one JSON line: seconds for files.create of FILE1 and for the chunked Uploads API of FILE2.
"""
import json
import sys
import time

from openai import OpenAI

url, key, file1, file2, part_size = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
client = OpenAI(api_key=key, base_url=url + "/v1", max_retries=0, timeout=3600)

t = time.perf_counter()
with open(file1, "rb") as fh:
    created = client.files.create(file=fh, purpose="user_data")
files_s = time.perf_counter() - t
client.files.delete(created.id)

t = time.perf_counter()
upload = client.uploads.upload_file_chunked(
    file=file2, mime_type="application/octet-stream", purpose="user_data", part_size=part_size
)
uploads_s = time.perf_counter() - t
assert upload.status == "completed", upload
print(json.dumps({"files_bytes": created.bytes, "files_s": files_s, "uploads_bytes": upload.file.bytes, "uploads_s": uploads_s}))
