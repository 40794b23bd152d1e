"""Starts a real Hone server (the headless CLI, exactly as `npm run serve` does) for API tests."""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "py-test-key-123"


class HoneServer:
    def __init__(self, url: str, data_dir: str, key: str | None, proc: subprocess.Popen):
        self.url, self.data_dir, self.key, self.proc = url, data_dir, key, proc


def start_server(extra_args=(), env_extra=None) -> HoneServer:
    data_dir = tempfile.mkdtemp(prefix="hone-py-")
    env = {**os.environ, "HONE_API_KEY": KEY, "HONE_MLFLOW": "off", "HONE_BENCHMARKS": "off", **(env_extra or {})}
    proc = subprocess.Popen(
        [str(ROOT / "node_modules/.bin/tsx"), "electron/core/headless.ts",
         "--port", "0", "--data-dir", data_dir, *extra_args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    ready = None
    lines = []
    for line in proc.stdout:  # the CLI prints one HONE_READY line once it listens
        lines.append(line)
        if line.startswith("HONE_READY "):
            ready = json.loads(line.split(" ", 1)[1])
            break
    if ready is None:
        proc.kill()
        raise RuntimeError("server did not start:\n" + "".join(lines))
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # keep draining
    return HoneServer(ready["url"], data_dir, None if "--no-auth" in extra_args else KEY, proc)


def wait(fn, ok, timeout, what):
    """Polls ``fn`` until ``ok`` of its value holds; fails naming ``what`` and the last value."""
    end = time.time() + timeout
    while True:
        v = fn()
        if ok(v):
            return v
        assert time.time() < end, f"timed out waiting for {what}: {v}"
        time.sleep(0.5)


def stop_server(s: HoneServer):
    s.proc.terminate()
    try:
        s.proc.wait(10)
    except subprocess.TimeoutExpired:
        s.proc.kill()
    # Trainers and benchmarks outlive their server by design (the next start re-attaches to them);
    # a test server has no next start, so what it left running in its data dir is ended here.
    end_processes_using(s.data_dir)
    shutil.rmtree(s.data_dir, ignore_errors=True)


def end_processes_using(data_dir: str, grace: float = 5.0):
    """SIGTERM to the process group of every process whose command line names ``data_dir``, then SIGKILL."""
    def groups():
        found = set()
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if data_dir.encode() in f.read():
                        found.add(os.getpgid(int(pid)))
            except (OSError, ProcessLookupError):
                pass
        found.discard(os.getpgid(0))
        return found

    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = groups()
        for g in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(g, sig)
        end = time.time() + grace
        while left and time.time() < end and groups():
            time.sleep(0.2)


# The seed guide's client set-up, verbatim (both of its API sections start with it).
SEED_SETUP = '''
import os
from openai import OpenAI

api_base = os.getenv('API_BASE')
api_key = os.getenv('API_KEY')

client = OpenAI(
    api_key=os.getenv('API_KEY'),
    base_url=os.getenv('API_BASE') +'/v1'
)
'''
