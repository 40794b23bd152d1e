"""The TrainerCallback that turns HF Trainer state into Hone events, results.csv rows and MLflow
metrics, and implements the cooperative stop (stop file / SIGTERM) and timed checkpoints."""

from __future__ import annotations

import math
import os
import signal
import time

import torch
from transformers import TrainerCallback


class StopRequest:
    """A stop file in the job dir, or SIGTERM, asks for checkpoint-and-exit at the next step end."""

    def __init__(self, stop_file: str | None):
        self.stop_file = stop_file
        self.signalled = False

    def install(self) -> None:
        def handler(signum, frame):
            self.signalled = True
            print("[hone] SIGTERM received: stopping after the current step", flush=True)

        signal.signal(signal.SIGTERM, handler)

    def reason(self) -> str | None:
        if self.signalled:
            return "signal"
        if self.stop_file and os.path.exists(self.stop_file):
            return "stop_file"
        return None


def _distributed() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()


class HoneCallback(TrainerCallback):
    def __init__(self, *, events, results, mlflow, stop: StopRequest, started_payload: dict,
                 every_seconds: float, has_eval: bool, eval_steps: int | None, is_main: bool):
        self.events = events
        self.results = results
        self.mlflow = mlflow
        self.stop = stop
        self.started_payload = started_payload
        self.every_seconds = every_seconds
        self.has_eval = has_eval
        self.eval_steps = eval_steps
        self.is_main = is_main
        self.stopping: str | None = None
        self.pending_reason: str | None = None
        self.last_checkpoint: str | None = None
        self.last_metrics: dict = {}
        self.total_steps = 0

    # -- lifecycle ---------------------------------------------------------------------------
    def on_train_begin(self, args, state, control, **kw):
        self.total_steps = state.max_steps
        self.eval_every = self.eval_steps or max(1, math.ceil(state.max_steps / 10))
        now = time.time()
        self.t_begin, self.step_begin = now, state.global_step
        self.t_last, self.tokens_last = now, state.num_input_tokens_seen
        self.last_save = now
        if self.is_main:
            self.events.emit("started", total_steps=state.max_steps,
                             resumed_from_step=state.global_step or None, **self.started_payload)

    def on_step_end(self, args, state, control, **kw):
        reason = self.stop.reason()
        if _distributed():  # every rank must agree, or the save's collectives would hang
            flag = torch.tensor([1 if reason else 0], device=args.device)
            torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
            reason = reason or ("stop_file" if flag.item() else None)
        if reason and not self.stopping:
            self.stopping = reason
            self.pending_reason = "stop"
            control.should_save = True
            control.should_training_stop = True
        elif time.time() - self.last_save >= self.every_seconds and state.global_step < state.max_steps:
            self.pending_reason = self.pending_reason or "interval"
            control.should_save = True
        if self.has_eval and (state.global_step % self.eval_every == 0 or state.global_step >= state.max_steps):
            control.should_evaluate = True
        return control

    def on_epoch_end(self, args, state, control, **kw):
        if self.stopping and self.last_checkpoint and self.last_checkpoint.endswith(f"-{state.global_step}"):
            control.should_save = False  # the stop checkpoint of this very step is already on disk
            control.should_evaluate = False
        elif control.should_save and not self.pending_reason:
            self.pending_reason = "epoch"

    def on_save(self, args, state, control, **kw):
        self.last_save = time.time()
        self.last_checkpoint = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        if self.is_main:
            self.events.emit("checkpoint", step=state.global_step, path=self.last_checkpoint,
                             reason=self.pending_reason or "epoch", metrics=dict(self.last_metrics))
        self.pending_reason = None

    # -- metrics ----------------------------------------------------------------------------
    def on_log(self, args, state, control, logs=None, **kw):
        if not self.is_main or not logs:
            return
        step = state.global_step
        if "loss" in logs:
            now = time.time()
            tokens = state.num_input_tokens_seen
            dt = max(now - self.t_last, 1e-9)
            tps = (tokens - self.tokens_last) / dt if tokens else None
            self.t_last, self.tokens_last = now, tokens
            done = step - self.step_begin
            eta = (now - self.t_begin) / done * (state.max_steps - step) if done > 0 else None
            acc = logs.get("mean_token_accuracy")
            extra = {k: float(v) for k, v in logs.items()
                     if k.startswith(("rewards/", "logps/", "logits/")) and isinstance(v, (int, float))}
            self.last_metrics.update(step=step, train_loss=logs["loss"], train_mean_token_accuracy=acc)
            self.events.emit("progress", step=step, total_steps=state.max_steps, epoch=state.epoch or 0.0,
                             train_loss=logs["loss"], train_mean_token_accuracy=acc,
                             learning_rate=logs.get("learning_rate"), grad_norm=logs.get("grad_norm"),
                             tokens_per_second=tps, eta_seconds=eta, extra=extra)
            self.results.update(step, train_loss=logs["loss"], train_mean_token_accuracy=acc)
            metrics = {"train_loss": logs["loss"], "learning_rate": logs.get("learning_rate"),
                       "grad_norm": logs.get("grad_norm"), "train_mean_token_accuracy": acc,
                       "tokens_per_second": tps, "epoch": state.epoch, **extra}
            self.mlflow.log_metrics({k: v for k, v in metrics.items() if v is not None}, step)
        if "eval_loss" in logs:
            acc = logs.get("eval_mean_token_accuracy")
            self.last_metrics.update(valid_loss=logs["eval_loss"], valid_mean_token_accuracy=acc)
            self.events.emit("eval", step=step, valid_loss=logs["eval_loss"], valid_mean_token_accuracy=acc)
            self.results.update(step, valid_loss=logs["eval_loss"], valid_mean_token_accuracy=acc)
            self.mlflow.log_metrics({k: v for k, v in {"valid_loss": logs["eval_loss"],
                                                       "valid_mean_token_accuracy": acc}.items()
                                     if v is not None}, step)
