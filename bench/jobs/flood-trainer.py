"""Load generator for bench/jobs: stands in for `python -m hone_trainer train --spec …` and floods
its console at a fixed line rate (default 10,000 lines/s) so the API's latency can be measured
while a job prints as fast as a chatty trainer. It trains nothing and reports nothing but a
`started` event; it is never used outside this benchmark."""
import json
import os
import sys
import time

spec = json.load(open(sys.argv[sys.argv.index("--spec") + 1]))
rate = int(os.environ.get("FLOOD_LINES_PER_S", "10000"))
seconds = float(os.environ.get("FLOOD_SECONDS", "60"))
with open(spec["events_file"], "a") as ev:
    ev.write(json.dumps({"v": 1, "seq": 1, "ts": time.time(), "type": "started", "job_id": spec["job_id"], "method": "supervised",
                         "model": spec["model"], "model_path": "", "device": "cpu", "precision": "fp32", "world_size": 1,
                         "n_examples": 0, "n_validation_examples": 0, "total_steps": 1, "resumed_from_step": None,
                         "hyperparameters": {}}) + "\n")
start = time.time()
n = 0
line = "step {n:>9} | loss 1.2345 | lr 2.0e-04 | " + "#" * 60 + "\n"
while time.time() - start < seconds:
    # Write in bursts of 1/100 s worth of lines, then sleep to hold the rate.
    burst = max(1, rate // 100)
    sys.stdout.write("".join(line.format(n=n + i) for i in range(burst)))
    sys.stdout.flush()
    n += burst
    target = start + n / rate
    delay = target - time.time()
    if delay > 0:
        time.sleep(delay)
