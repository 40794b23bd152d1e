"""A test double of vLLM's OpenAI server (an external service): the endpoints and wire format Hone's
vLLM engine uses, with a log of what it was asked, at GET /_log."""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = sys.argv[1:]
port = int(args[args.index("--port") + 1])
LOG = {"argv": args, "env": os.environ.get("VLLM_ALLOW_RUNTIME_LORA_UPDATING"), "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"), "loads": [], "chats": [], "disconnects": 0}
loras = set()


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/v1/models":
            return self.reply(200, {"object": "list", "data": [{"id": "base"}] + [{"id": n} for n in sorted(loras)]})
        if self.path == "/_log":
            return self.reply(200, LOG)
        self.reply(404, {"error": "nope"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])) or b"{}")
        if self.path == "/v1/load_lora_adapter":
            LOG["loads"].append(body)
            if body["lora_name"] in loras:
                return self.reply(400, {"object": "error", "message": f"The lora adapter '{body['lora_name']}' has already been loaded."})
            loras.add(body["lora_name"])
            return self.send_response(200) or self.end_headers()
        if self.path == "/tokenize":
            return self.reply(200, {"count": 11, "max_model_len": 2048, "tokens": list(range(11))})
        if self.path == "/v1/chat/completions":
            LOG["chats"].append(body)
            if body["model"] not in loras | {"base"}:
                return self.reply(404, {"object": "error", "message": f"The model `{body['model']}` does not exist."})
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            words = ["Hel", "lo", " from ", body["model"]] + ["."] * (body["max_tokens"] - 4)
            base = {"id": "chatcmpl-x", "object": "chat.completion.chunk", "created": 1, "model": body["model"]}
            try:
                self.wfile.write(b"data: " + json.dumps({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}], "usage": None}).encode() + b"\n\n")
                for i, w in enumerate(words[: body["max_tokens"]]):
                    last = i == min(len(words), body["max_tokens"]) - 1
                    ch = {"index": 0, "delta": {"content": w}, "finish_reason": "length" if last else None}
                    self.wfile.write(b"data: " + json.dumps({**base, "choices": [ch], "usage": None}).encode() + b"\n\n")
                    self.wfile.flush()
                    time.sleep(0.01)
                n = min(len(words), body["max_tokens"])
                self.wfile.write(b"data: " + json.dumps({**base, "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": n, "total_tokens": 11 + n}}).encode() + b"\n\n")
                self.wfile.write(b"data: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):
                LOG["disconnects"] += 1
            return
        self.reply(404, {"error": "nope"})


ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
