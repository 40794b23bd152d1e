"""Offline packs: a model or benchmark datasets built on a connected machine, carried to an
air-gapped workstation and imported there by the core (``electron/core/packs``).

A pack is a folder (optionally a ``.tar`` of it) with ``manifest.json``::

    {"format": 1, "kind": "model" | "benchmarks", "created_at": <unix s>,
     "items": [{"id", "path", "revision"?}], "files": [{"path", "sha256", "size"}],
     "tasks": [...]}                                   # benchmarks only

Models from the hub are laid out as a Hugging Face hub cache (``hub/models--org--name/refs`` and
``snapshots/<rev>/``, real files, no symlinks: they survive any copy and tar), local model
directories as ``models/<name>/``. Benchmark packs hold the datasets' hub repos (``hub/``), the
``datasets`` library's prepared cache (``datasets/``: what ``load_dataset`` reads with
HF_HUB_OFFLINE=1) and any task YAMLs that lm-eval does not ship (``tasks/``).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20
# Lock files are per-machine bookkeeping of huggingface_hub and datasets, never data.
_SKIP_SUFFIXES = (".lock", ".incomplete")


class PackError(Exception):
    """A readable reason a pack cannot be built (the CLI prints it as an error envelope)."""

    def __init__(self, message: str, code: str = "pack_failed"):
        super().__init__(message)
        self.code = code


def sha256_file(path: str | Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _repo_folder(kind: str, hub_id: str) -> str:
    return f"{kind}s--{hub_id.replace('/', '--')}"


def write_manifest(out: Path, kind: str, items: list[dict], tasks: list[str] | None = None) -> dict:
    """Hashes every file under ``out`` (sorted, so two builds of the same content are identical)."""
    files = []
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if rel == MANIFEST or not p.is_file() or p.name.endswith(_SKIP_SUFFIXES):
            continue
        sha, size = sha256_file(p)
        files.append({"path": rel, "sha256": sha, "size": size})
    manifest: dict = {"format": FORMAT, "kind": kind, "created_at": int(time.time()), "items": items, "files": files}
    if tasks is not None:
        manifest["tasks"] = tasks
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _hub_root(cache: str | Path) -> Path:
    """``--from-cache`` takes an HF_HOME (holding ``hub/``) or the hub cache itself."""
    c = Path(cache)
    return c / "hub" if (c / "hub").is_dir() else c


def _datasets_root(cache: str | Path) -> Path | None:
    c = Path(cache)
    for d in (c / "datasets", c.parent / "datasets"):
        if d.is_dir():
            return d
    return None


def copy_repo(src_repo: Path, dst_repo: Path, revision: str | None = None) -> str:
    """Copies one revision of a hub-cache repo (default: the one ``refs/main`` names) with its
    symlinks into ``blobs/`` resolved into real files. Returns the commit hash."""
    if not (src_repo / "snapshots").is_dir():
        raise PackError(f"{src_repo} is not a Hugging Face cache repo (no snapshots/)", "not_in_cache")
    ref = src_repo / "refs" / (revision or "main")
    if ref.is_file():
        commit = ref.read_text().strip()
    elif revision and (src_repo / "snapshots" / revision).is_dir():
        commit = revision
    else:
        snaps = sorted((src_repo / "snapshots").iterdir(), key=lambda p: p.stat().st_mtime)
        if not snaps:
            raise PackError(f"{src_repo} has no snapshot", "not_in_cache")
        commit = snaps[-1].name
    snap = src_repo / "snapshots" / commit
    if not snap.is_dir():
        raise PackError(f"{src_repo}: refs point at {commit}, which is not in snapshots/", "not_in_cache")
    (dst_repo / "refs").mkdir(parents=True, exist_ok=True)
    (dst_repo / "refs" / "main").write_text(commit)
    shutil.copytree(snap, dst_repo / "snapshots" / commit, symlinks=False, dirs_exist_ok=True)
    return commit


def _resolve_links(hub: Path) -> None:
    """After a download into the pack: snapshot symlinks become the files, ``blobs/`` goes."""
    for repo in hub.glob("*--*"):
        if not (repo / "snapshots").is_dir():
            continue
        for link in list((repo / "snapshots").rglob("*")):
            if link.is_symlink():
                target = link.resolve()
                link.unlink()
                shutil.copyfile(target, link)
        shutil.rmtree(repo / "blobs", ignore_errors=True)
    shutil.rmtree(hub / ".locks", ignore_errors=True)


def _fresh_out(out: str | Path) -> Path:
    o = Path(out)
    if o.exists() and any(o.iterdir()):
        raise PackError(f"{o} is not empty; choose a new folder for the pack", "out_not_empty")
    o.mkdir(parents=True, exist_ok=True)
    return o


def _is_model_dir(d: Path) -> bool:
    return (d / "config.json").is_file() and (any(d.glob("*.safetensors")) or any(d.glob("*.bin")))


# -- models ----------------------------------------------------------------------------------------
def pack_model(source: str, out: str | Path, from_cache: str | None = None, revision: str | None = None) -> dict:
    """A local model directory (``models/<name>/``) or a hub id (``hub/models--org--name``), from
    the hub or from an existing cache."""
    src = Path(source).expanduser()
    if src.is_dir():
        if not _is_model_dir(src):
            raise PackError(f"{src} is not a model directory (it needs config.json and *.safetensors or *.bin)",
                            "not_a_model")
        o = _fresh_out(out)
        name = src.resolve().name
        shutil.copytree(src, o / "models" / name, symlinks=False,
                        ignore=shutil.ignore_patterns(".hone-*", "*.lock"))
        return write_manifest(o, "model", [{"id": name, "path": f"models/{name}"}])
    if source.startswith((".", "/", "~")):
        raise PackError(f"No such model directory: {src}", "not_found")
    if source.count("/") != 1:
        raise PackError(f"'{source}' is neither a model directory nor a Hugging Face id (org/name)", "not_a_model")
    o = _fresh_out(out)
    folder = _repo_folder("model", source)
    try:
        if from_cache:
            repo = _hub_root(from_cache) / folder
            if not repo.is_dir():
                raise PackError(f"'{source}' is not in the cache {from_cache} (no {folder})", "not_in_cache")
            commit = copy_repo(repo, o / "hub" / folder, revision)
        else:
            from huggingface_hub import snapshot_download

            from hone_trainer.models import HUB_ALLOW_PATTERNS

            snap = snapshot_download(source, revision=revision, cache_dir=str(o / "hub"),
                                     allow_patterns=HUB_ALLOW_PATTERNS)
            commit = Path(snap).name
            _resolve_links(o / "hub")
    except BaseException:
        shutil.rmtree(o, ignore_errors=True)
        raise
    return write_manifest(o, "model", [{"id": source, "path": f"hub/{folder}", "revision": commit}])


# -- benchmarks ------------------------------------------------------------------------------------
def _task_manager(include: str | None, tasks: list[str]):
    from lm_eval.tasks import TaskManager

    if include:
        local = TaskManager(include_path=include, include_defaults=False)
        if all(t in local.all_tasks for t in tasks):
            return local
    return TaskManager(include_path=include) if include else TaskManager()


def task_datasets(tasks: list[str], include: str | None = None) -> list[dict]:
    """``[{task, dataset_path, dataset_name}]`` for every task (groups and tags expanded)."""
    tm = _task_manager(include, tasks)
    unknown = [t for t in tasks if t not in tm.all_tasks]
    if unknown:
        raise PackError(f"lm-eval knows no task {', '.join(unknown)}"
                        f"{'' if include else ' (task YAMLs of your own: --include DIR)'}", "unknown_task")
    from lm_eval.tasks._index import Kind

    out: list[dict] = []
    seen: set[str] = set()

    def record(name: str, cfg: dict) -> None:
        out.append({"task": name, "dataset_path": cfg["dataset_path"], "dataset_name": cfg.get("dataset_name")})

    def walk(spec) -> None:
        if isinstance(spec, dict):  # a group member: an inline task, an inline group, or a name with overrides
            if spec.get("dataset_path"):
                record(str(spec.get("task", "?")), spec)
            elif isinstance(spec.get("task"), list):
                for t in spec["task"]:
                    walk(t)
            elif isinstance(spec.get("task"), str):
                walk(spec["task"])
            return
        if spec in seen or spec not in tm.task_index:
            return
        seen.add(spec)
        entry = tm.task_index[spec]
        if entry.kind == Kind.TAG:
            for t in sorted(entry.tags):
                walk(t)
            return
        cfg = tm._factory._load_full_config(entry)  # the YAML with its includes, as lm-eval reads it
        if entry.kind == Kind.GROUP:
            for t in cfg.get("task", []) or []:
                walk(t)
        elif cfg.get("dataset_path"):
            record(spec, cfg)

    for t in tasks:
        walk(t)
    return out


def prepare_dataset_cache(snapshot: Path, repo_id: str, commit: str, datasets_dir: Path) -> None:
    """Builds what ``load_dataset(repo_id)`` reads offline (``<ns>___<name>/default/0.0.0/<commit>``)
    from a hub snapshot's data files, without the hub: the packaged builder for their format, named
    as the hub would name it."""
    from datasets.data_files import DataFilesDict, get_data_patterns
    from datasets.load import import_main_class
    from datasets.packaged_modules import _EXTENSION_TO_MODULE, _PACKAGED_DATASETS_MODULES

    patterns = get_data_patterns(str(snapshot))
    files = DataFilesDict.from_patterns(patterns, base_path=str(snapshot))
    exts = {Path(f).suffix for split in files.values() for f in split}
    modules = {_EXTENSION_TO_MODULE[e][0] for e in exts if e in _EXTENSION_TO_MODULE}
    if len(modules) != 1:
        raise PackError(f"{repo_id}: cannot tell the data format of {sorted(exts) or 'no data files'}",
                        "unknown_format")
    builder_cls = import_main_class(_PACKAGED_DATASETS_MODULES[modules.pop()][0])
    b = builder_cls(cache_dir=str(datasets_dir), dataset_name=repo_id.split("/")[-1], data_files=files,
                    config_name="default", hash=commit)
    # The hub's own loader names the cache after the repo and the plain "default" config.
    b.repo_id, b.config_id = repo_id, "default"
    b._cache_dir = b._build_cache_dir()
    b.download_and_prepare()


def _copy_tasks(include: str, dst: Path) -> None:
    for p in Path(include).rglob("*"):
        if p.is_file() and p.suffix in (".yaml", ".yml", ".py", ".jsonl", ".json", ".txt", ".jinja"):
            target = dst / p.relative_to(include)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)


def _download_tasks(tasks: list[str], include: str | None, o: Path) -> None:
    """lm-eval loads the tasks (so it downloads their datasets) in a child whose HF caches point
    into the pack: huggingface_hub and datasets read those paths once, at import."""
    env = {**os.environ, "HF_HUB_CACHE": str(o / "hub"), "HF_DATASETS_CACHE": str(o / "datasets"),
           "HF_HUB_OFFLINE": "0", "HF_DATASETS_OFFLINE": "0"}
    code = ("import sys, json; from hone_trainer.packs import _task_manager; from lm_eval.tasks import get_task_dict; "
            "a = json.loads(sys.argv[1]); get_task_dict(a['tasks'], _task_manager(a['include'], a['tasks']))")
    r = subprocess.run([sys.executable, "-c", code, json.dumps({"tasks": tasks, "include": include})], env=env)
    if r.returncode != 0:
        raise PackError(f"lm-eval could not load {', '.join(tasks)} (exit {r.returncode}; see above)",
                        "download_failed")
    _resolve_links(o / "hub")


def pack_benchmarks(tasks: list[str], out: str | Path, include: str | None = None,
                    from_cache: str | None = None) -> dict:
    if not tasks:
        raise PackError("no tasks: --tasks mmlu,arc_easy,…", "no_tasks")
    needs = task_datasets(tasks, include)
    o = _fresh_out(out)
    try:
        if include:
            _copy_tasks(include, o / "tasks")
        items: dict[str, dict] = {}
        if from_cache:
            hub, ds_src = _hub_root(from_cache), _datasets_root(from_cache)
            for n in needs:
                repo_id = n["dataset_path"]
                if repo_id in items:
                    continue
                folder = _repo_folder("dataset", repo_id)
                if not (hub / folder).is_dir():
                    raise PackError(f"the dataset {repo_id} of task {n['task']} is not in the cache {from_cache}",
                                    "not_in_cache")
                commit = copy_repo(hub / folder, o / "hub" / folder)
                prepared = f"{repo_id.replace('/', '___')}" if "/" in repo_id else repo_id
                if ds_src and glob.glob(str(ds_src / prepared / "*" / "*" / "*")):
                    shutil.copytree(ds_src / prepared, o / "datasets" / prepared,
                                    ignore=shutil.ignore_patterns("*.lock", "*.incomplete*"))
                else:
                    prepare_dataset_cache(o / "hub" / folder / "snapshots" / commit, repo_id, commit, o / "datasets")
                items[repo_id] = {"id": repo_id, "path": f"hub/{folder}", "revision": commit}
        else:
            _download_tasks(tasks, include, o)
            for n in needs:
                folder = _repo_folder("dataset", n["dataset_path"])
                ref = o / "hub" / folder / "refs" / "main"
                rev = {"revision": ref.read_text().strip()} if ref.is_file() else {}
                items.setdefault(n["dataset_path"], {"id": n["dataset_path"], "path": f"hub/{folder}", **rev})
        for lock in list(o.rglob("*.lock")):
            lock.unlink()
    except BaseException:
        shutil.rmtree(o, ignore_errors=True)
        raise
    return write_manifest(o, "benchmarks", list(items.values()), tasks=tasks)


def make_tar(out: str | Path) -> Path:
    """``<out>.tar`` next to the folder, members relative to it (uncompressed: weights do not shrink)."""
    o = Path(out)
    tar = o.with_name(o.name + ".tar")
    with tarfile.open(tar, "w") as t:
        for p in sorted(o.rglob("*")):
            if p.is_file():
                t.add(p, arcname=p.relative_to(o).as_posix(), recursive=False)
    return tar


def verify(pack: str | Path) -> list[str]:
    """The manifest's files whose hash or size differ (empty: the pack is intact)."""
    o = Path(pack)
    m = json.loads((o / MANIFEST).read_text())
    bad = []
    for f in m["files"]:
        p = o / f["path"]
        if not p.is_file() or sha256_file(p) != (f["sha256"], f["size"]):
            bad.append(f["path"])
    return bad


def main(args) -> int:
    try:
        if args.pack_cmd == "model":
            m = pack_model(args.source, args.out, from_cache=args.from_cache, revision=args.revision)
        else:
            tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
            m = pack_benchmarks(tasks, args.out, include=args.include, from_cache=args.from_cache)
        tar = str(make_tar(args.out)) if args.tar else None
    except PackError as e:
        print(json.dumps({"error": {"message": str(e), "code": e.code}}))
        return 2
    size = sum(f["size"] for f in m["files"])
    print(json.dumps({"out": str(Path(args.out).resolve()), "tar": tar, "kind": m["kind"],
                      "items": [i["id"] for i in m["items"]], "tasks": m.get("tasks"),
                      "files": len(m["files"]), "bytes": size}))
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("pack", help="build an offline pack (a model, or benchmark datasets) for an air-gapped machine")
    psub = p.add_subparsers(dest="pack_cmd", required=True)
    pm = psub.add_parser("model", help="a Hugging Face id or a local model directory")
    pm.add_argument("source")
    pm.add_argument("--revision")
    pb = psub.add_parser("benchmarks", help="the datasets of lm-eval tasks")
    pb.add_argument("--tasks", required=True, help="comma-separated lm-eval task names")
    pb.add_argument("--include", help="a folder of task YAMLs of your own (carried in the pack)")
    for q in (pm, pb):
        q.add_argument("--out", required=True, help="a new, empty folder")
        q.add_argument("--tar", action="store_true", help="also write <out>.tar")
        q.add_argument("--from-cache", help="take the files from this HF_HOME or hub cache instead of the hub")
    p.set_defaults(func=main)

