"""``train``: one fine-tuning job from spec.json to adapter/weights, events and results.csv."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

from hone_trainer.callbacks import HoneCallback, StopRequest
from hone_trainer.data import DataError, file_digest, iter_chat_examples, iter_preference_examples
from hone_trainer.events import EventWriter
from hone_trainer.hyperparams import resolve
from hone_trainer.mlflow_logging import MlflowLogger, default_experiment_name
from hone_trainer.models import resolve_model
from hone_trainer.results import ResultsWriter
from hone_trainer.spec import Spec, SpecError

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_STOPPED = 0, 1, 2, 3
DATA_FORMAT_VERSION = 1  # part of the dataset cache fingerprint


class Stopped(Exception):
    pass


@dataclass
class Runtime:
    rank: int
    local_rank: int
    world_size: int
    cuda: bool
    precision: str  # fp32 | bf16 | fp16
    device: str

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def detect_runtime(spec: Spec) -> Runtime:
    import torch

    rank = int(os.environ.get("RANK", 0))
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    world = int(os.environ.get("WORLD_SIZE", 1))
    cuda = spec.gpus > 0 and torch.cuda.is_available()
    if cuda:
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        device = f"cuda ({torch.cuda.get_device_name(local_rank)}) x{world}"
    else:
        precision, device = "fp32", "cpu"
    return Runtime(rank, local_rank, world, cuda, precision, device)


# -- datasets ----------------------------------------------------------------------------------

def _sft_rows(path: str, digest: str, model_dir: str, max_length: int, version: int):
    from transformers import AutoTokenizer

    from hone_trainer.labels import ChatEncoder

    enc = ChatEncoder(AutoTokenizer.from_pretrained(model_dir), max_length)
    for ex in iter_chat_examples(path):
        e = enc.encode(ex["messages"], ex["trained"], ex["tools"])
        yield {"input_ids": e.input_ids, "labels": e.labels, "truncated": e.truncated, "n_trained": e.n_trained,
               "n_tokens": len(e.input_ids)}


def _dpo_rows(path: str, digest: str, version: int):
    yield from iter_preference_examples(path)


def _unwrap(e: BaseException) -> BaseException:
    while e is not None and not isinstance(e, SpecError):
        e = e.__cause__ or e.__context__
    return e


def build_dataset(gen, kwargs: dict, cache_dir: str):
    """Stream the file through ``gen`` into an Arrow dataset on disk (constant memory)."""
    import datasets

    datasets.disable_progress_bars()
    try:
        return datasets.Dataset.from_generator(gen, gen_kwargs=kwargs, cache_dir=cache_dir)
    except Exception as e:  # datasets wraps generator errors; surface our DataError
        inner = _unwrap(e)
        if inner is not None:
            raise inner  # noqa: B904 - re-raise our own error as is; the datasets wrapper adds nothing
        raise


def prepare_sft_split(name, path, model_dir, max_length, cache_dir, events, rt):
    ds = build_dataset(_sft_rows, {"path": path, "digest": file_digest(path), "model_dir": model_dir,
                                   "max_length": max_length, "version": DATA_FORMAT_VERSION}, cache_dir)
    n_total = len(ds)
    n_trunc = sum(ds["truncated"])
    ds = ds.filter(lambda n: n > 0, input_columns="n_trained")
    n_dropped = n_total - len(ds)
    if rt.is_main and n_trunc:
        events.warning(f"{n_trunc} of {n_total} {name} examples are longer than max_seq_length={max_length} "
                       f"tokens and were truncated", "truncated")
    if rt.is_main and n_dropped:
        events.warning(f"{n_dropped} {name} examples have no trained assistant tokens (all weight 0, or "
                       f"truncated away) and were skipped", "no_trained_tokens")
    if len(ds) == 0:
        raise DataError(f"{name} file has no usable examples", f"invalid_{name}_file")
    n_tokens = sum(ds["n_tokens"])
    return ds.remove_columns(["truncated", "n_trained", "n_tokens"]), n_tokens


# -- model ---------------------------------------------------------------------------------------

def load_model(model_dir: str, hp: dict, rt: Runtime, events):
    import torch
    from transformers import AutoModelForCausalLM

    dtype = torch.float32
    if rt.cuda and (not hp["full_finetune"] or rt.precision == "bf16"):
        dtype = torch.bfloat16 if rt.precision == "bf16" else torch.float16
    kwargs: dict = {"dtype": dtype}
    qlora = hp["qlora"] and not hp["full_finetune"]
    if qlora:
        import importlib.util

        if not rt.cuda or importlib.util.find_spec("bitsandbytes") is None:
            if rt.is_main:
                events.warning("QLoRA needs CUDA and bitsandbytes; training a plain LoRA adapter instead",
                               "qlora_unavailable")
            qlora = False
        else:
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=dtype)
            kwargs["device_map"] = {"": rt.local_rank}
    hp["qlora"] = qlora
    model = AutoModelForCausalLM.from_pretrained(model_dir, **kwargs)
    if qlora:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
    return model


def lora_config(hp: dict):
    from peft import LoraConfig

    return LoraConfig(r=hp["lora_r"], lora_alpha=hp["lora_alpha"], lora_dropout=hp["lora_dropout"],
                      target_modules="all-linear", task_type="CAUSAL_LM")


def training_args_kwargs(spec: Spec, hp: dict, rt: Runtime, ckpt_dir: str) -> dict:
    kw = dict(
        output_dir=ckpt_dir, num_train_epochs=hp["n_epochs"], per_device_train_batch_size=hp["batch_size"],
        per_device_eval_batch_size=hp["batch_size"], gradient_accumulation_steps=hp["gradient_accumulation_steps"],
        learning_rate=hp["learning_rate"], warmup_steps=hp["warmup_ratio"] or 0, lr_scheduler_type="linear",
        logging_steps=1, logging_first_step=True, save_strategy="epoch", save_total_limit=spec.checkpoint.keep,
        eval_strategy="no", report_to="none", seed=spec.seed, data_seed=spec.seed,
        bf16=rt.precision == "bf16", fp16=rt.precision == "fp16", use_cpu=not rt.cuda,
        gradient_checkpointing=rt.cuda, gradient_checkpointing_kwargs={"use_reentrant": False} if rt.cuda else None,
        include_num_input_tokens_seen="non_padding", dataloader_num_workers=0, disable_tqdm=False,
        prediction_loss_only=True, save_only_model=False,
    )
    if rt.world_size > 1:
        kw["ddp_find_unused_parameters"] = False
        if spec.hyperparameters.distributed == "fsdp":
            kw["fsdp"] = "full_shard auto_wrap"
            kw["fsdp_config"] = {"auto_wrap_policy": "TRANSFORMER_BASED_WRAP", "use_orig_params": True,
                                 "cpu_ram_efficient_loading": True}
    return kw


# -- SFT trainer with token accuracy -------------------------------------------------------------

def make_sft_trainer_class():
    import torch
    from transformers import Trainer

    class HoneSFTTrainer(Trainer):
        """Plain transformers Trainer plus mean token accuracy on the trained tokens (train + eval)."""

        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            self._acc = {True: [0, 0], False: [0, 0]}

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            labels = inputs["labels"]
            loss, outputs = super().compute_loss(model, inputs, return_outputs=True,
                                                 num_items_in_batch=num_items_in_batch)
            with torch.no_grad():
                tgt = labels[:, 1:]
                mask = tgt != -100
                hit = (outputs.logits[:, :-1].argmax(-1) == tgt) & mask
                slot = self._acc[model.training]
                slot[0] = slot[0] + hit.sum()
                slot[1] = slot[1] + mask.sum()
            return (loss, outputs) if return_outputs else loss

        def _take_accuracy(self, training: bool):
            hit, total = self._acc[training]
            self._acc[training] = [0, 0]
            t = torch.tensor([float(hit), float(total)], device=self.args.device)
            if self.args.world_size > 1:
                t = self.accelerator.reduce(t, reduction="sum")
            return (t[0] / t[1]).item() if t[1] > 0 else None

        def evaluate(self, *a, **kw):
            self._acc[False] = [0, 0]
            return super().evaluate(*a, **kw)

        def log(self, logs, start_time=None):
            if "loss" in logs:
                logs["mean_token_accuracy"] = self._take_accuracy(True)
            if "eval_loss" in logs:
                logs["eval_mean_token_accuracy"] = self._take_accuracy(False)
            super().log(logs, start_time)

    return HoneSFTTrainer


# -- the job ---------------------------------------------------------------------------------------

def run(spec: Spec, events: EventWriter, stop: StopRequest) -> int:
    import torch
    import transformers
    from transformers import AutoTokenizer, DataCollatorForSeq2Seq
    from transformers.trainer_utils import get_last_checkpoint

    rt = detect_runtime(spec)
    if rt.cuda:
        torch.cuda.set_device(rt.local_rank)
    transformers.set_seed(spec.seed)
    os.makedirs(spec.output_dir, exist_ok=True)
    ckpt_dir = os.path.join(spec.output_dir, "checkpoints")
    cache_dir = os.path.join(spec.output_dir, ".dataset-cache")
    results_path = os.path.join(spec.output_dir, "results.csv")

    resume_from = get_last_checkpoint(ckpt_dir) if spec.resume and os.path.isdir(ckpt_dir) else None
    if rt.is_main and not spec.resume and os.path.isdir(ckpt_dir):
        shutil.rmtree(ckpt_dir)  # a fresh run must not rotate or resume stale checkpoints
    if rt.is_main and spec.resume and resume_from is None:
        events.warning("resume requested but no checkpoint found; starting from step 0", "no_checkpoint")

    model_dir = resolve_model(spec.model, spec.models_dir)
    if stop.reason():
        raise Stopped()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "right"
    config = transformers.AutoConfig.from_pretrained(model_dir)
    max_pos = getattr(config, "max_position_embeddings", None) or 2048

    train_digest = file_digest(spec.training_file)
    if spec.method == "supervised":
        from hone_trainer.labels import TemplateError

        probe_hp = resolve(spec, 1, rt.cuda, max_pos)
        try:
            train_ds, train_tokens = prepare_sft_split("training", spec.training_file, model_dir,
                                                       probe_hp["max_seq_length"], cache_dir, events, rt)
            valid_ds = None
            if spec.validation_file:
                valid_ds, _ = prepare_sft_split("validation", spec.validation_file, model_dir,
                                                probe_hp["max_seq_length"], cache_dir, events, rt)
        except TemplateError as e:
            raise SpecError(f"model {spec.model!r}: {e}", "unsupported_chat_template") from e
    else:
        train_ds = build_dataset(_dpo_rows, {"path": spec.training_file, "digest": train_digest,
                                             "version": DATA_FORMAT_VERSION}, cache_dir)
        valid_ds = None
        if spec.validation_file:
            valid_ds = build_dataset(_dpo_rows, {"path": spec.validation_file,
                                                 "digest": file_digest(spec.validation_file),
                                                 "version": DATA_FORMAT_VERSION}, cache_dir)
        train_tokens = None
    if len(train_ds) == 0:
        raise DataError("training file has no examples")
    hp = resolve(spec, len(train_ds), rt.cuda, max_pos)

    model = load_model(model_dir, hp, rt, events)
    peft_cfg = None if hp["full_finetune"] else lora_config(hp)
    if peft_cfg is not None and spec.method == "supervised":
        from peft import get_peft_model

        model = get_peft_model(model, peft_cfg)
    if stop.reason():
        raise Stopped()

    # MLflow: spec settings, else the standard environment variable.
    mlflow = _NoMlflow()
    tracking_uri = spec.mlflow.tracking_uri if spec.mlflow else os.environ.get("MLFLOW_TRACKING_URI")
    if rt.is_main and tracking_uri:
        start = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        mlflow = MlflowLogger(
            tracking_uri,
            (spec.mlflow and spec.mlflow.experiment_name) or default_experiment_name(spec.model, train_digest),
            (spec.mlflow and spec.mlflow.run_name) or f"{spec.job_id} {start}",
            os.path.join(spec.output_dir, "mlflow_run.json"), events.warning)
        mlflow.log_params({**hp, "model": spec.model, "method": spec.method, "job_id": spec.job_id,
                           "dataset_digest": train_digest, "n_examples": len(train_ds),
                           "n_validation_examples": len(valid_ds) if valid_ds is not None else 0,
                           "precision": rt.precision, "device": rt.device})
        mlflow.set_tags({"hone.job_id": spec.job_id, "hone.base_model": spec.model,
                         "hone.dataset_digest": train_digest})
        mlflow.log_dataset("training", spec.training_file, train_digest, len(train_ds), "training")

    results = ResultsWriter(results_path, _ckpt_step(resume_from) if resume_from else None) \
        if rt.is_main else _NoResults()
    started = {"job_id": spec.job_id, "method": spec.method, "model": spec.model, "model_path": model_dir,
               "device": rt.device, "precision": rt.precision, "world_size": rt.world_size,
               "n_examples": len(train_ds), "n_validation_examples": len(valid_ds) if valid_ds is not None else 0,
               "hyperparameters": hp}
    callback = HoneCallback(events=events, results=results, mlflow=mlflow, stop=stop, started_payload=started,
                            every_seconds=spec.checkpoint.every_seconds, has_eval=valid_ds is not None,
                            eval_steps=spec.hyperparameters.eval_steps, is_main=rt.is_main)
    args_kw = training_args_kwargs(spec, hp, rt, ckpt_dir)

    if spec.method == "supervised":
        from transformers import TrainingArguments

        trainer = make_sft_trainer_class()(
            model=model, args=TrainingArguments(**args_kw, remove_unused_columns=False),
            train_dataset=train_ds, eval_dataset=valid_ds, processing_class=tokenizer,
            data_collator=DataCollatorForSeq2Seq(tokenizer, label_pad_token_id=-100,
                                                 pad_to_multiple_of=8 if rt.cuda else None),
            callbacks=[callback])
    else:
        from trl import DPOConfig, DPOTrainer

        trainer = DPOTrainer(
            model=model, ref_model=None,
            args=DPOConfig(**args_kw, beta=hp["beta"], max_length=hp["max_seq_length"]),
            train_dataset=train_ds, eval_dataset=valid_ds, processing_class=tokenizer,
            peft_config=peft_cfg, callbacks=[callback])

    try:
        trainer.train(resume_from_checkpoint=resume_from)
    except BaseException:
        mlflow.end("FAILED")
        raise
    step = trainer.state.global_step
    if callback.stopping:
        results.flush()
        if rt.is_main:
            events.emit("stopped", step=step, checkpoint_path=callback.last_checkpoint, reason=callback.stopping)
        mlflow.end("KILLED")
        return EXIT_STOPPED

    final_dir = os.path.join(spec.output_dir, "model" if hp["full_finetune"] else "adapter")
    trainer.save_model(final_dir)
    if rt.is_main:
        tokenizer.save_pretrained(final_dir)
        results.flush()
        mlflow.log_artifact(results_path)
        mlflow.log_artifact(os.path.join(final_dir, "adapter_config.json"), "adapter")
        trained_tokens = int(trainer.state.num_input_tokens_seen or (train_tokens or 0) * hp["n_epochs"])
        metrics = {k: v for k, v in callback.last_metrics.items() if k != "step"}
        merge = None
        if not hp["full_finetune"]:
            merge = " ".join(shlex.quote(x) for x in [
                sys.executable, "-m", "hone_trainer", "export", "--adapter", final_dir,
                "--out", os.path.join(spec.output_dir, "merged")])
        mlflow.log_metrics({"trained_tokens": trained_tokens}, step)
        events.emit("completed", step=step, trained_tokens=trained_tokens, metrics=metrics,
                    adapter_path=None if hp["full_finetune"] else final_dir,
                    model_path=final_dir if hp["full_finetune"] else None,
                    results_file=results_path, merge_command=merge)
        mlflow.end("FINISHED")
        shutil.rmtree(cache_dir, ignore_errors=True)
    return EXIT_OK


def _ckpt_step(path: str) -> int:
    return int(os.path.basename(path).rsplit("-", 1)[1])


class _NoMlflow:
    active = False

    def __getattr__(self, name):
        return lambda *a, **k: None


class _NoResults:
    def update(self, *a, **k):
        pass

    def flush(self):
        pass
