"""The installer's pieces and its error paths, with real processes (pip, venv) where they matter."""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

import pytest
from installer_helpers import BASE_PYTHON, PROXY_OFF, error_of, run_installer

from installer import hardware, piprun, pyversion, torch_index, wheelhouse
from installer.report import InstallerError, Reporter


@pytest.mark.parametrize("driver,variant", [
    ("595.12", "cu130"), ("580.65.06", "cu130"), ("580.64", "cu128"), ("570.26", "cu128"),
    ("570.25.9", "cu126"), ("560.28.03", "cu126"),
])
def test_driver_to_variant(driver, variant):
    assert hardware.variant_for_driver(driver) == variant


def test_driver_too_old_says_what_to_do():
    with pytest.raises(InstallerError) as e:
        hardware.variant_for_driver("550.54.14")
    assert e.value.code == "cuda_driver_too_old"
    msg = e.value.message
    assert "550.54.14" in msg and "560.28" in msg and "cu126" in msg
    assert "Update the NVIDIA driver" in msg and "--torch cpu" in msg


def test_auto_raises_a_too_old_driver_but_an_explicit_build_wins():
    hw = {"kind": "nvidia", "variant": None, "error": {"code": "cuda_driver_too_old", "message": "old"}}
    with pytest.raises(InstallerError):
        hardware.choose_variant("auto", hw)
    assert hardware.choose_variant("cpu", hw) == "cpu"


def test_pip_lines_become_download_progress(tmp_path):
    local = tmp_path / "sympy-1.14.0-py3-none-any.whl"
    local.write_bytes(b"x" * 1234)
    p = piprun.ProgressParser(4)
    lines = [
        "Collecting torch==2.13.0",
        "  Downloading torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl (915.6 MB)",
        "Collecting filelock (from torch==2.13.0)",
        "  Using cached filelock-3.20.0-py3-none-any.whl (16 kB)",
        f"Processing {local} (from torch==2.13.0)",
        "Obtaining file:///work/main/trainer",
        "Processing ./trainer",  # a source tree, not a download
        "  Downloading https://files.example/jinja2-3.1.6-py3-none-any.whl (134 kB)",
        "Installing collected packages: filelock, torch",
    ]
    events = [e for e in (p.feed(line) for line in lines) if e]
    assert [e["done"] for e in events] == [1, 2, 3, 4]
    assert [e["item"] for e in events] == ["torch-2.13.0-cp311-cp311-manylinux_2_28_x86_64.whl",
                                           "filelock-3.20.0-py3-none-any.whl", local.name,
                                           "jinja2-3.1.6-py3-none-any.whl"]
    assert events[0]["bytes_done"] == 915_600_000
    assert events[-1]["bytes_done"] == 915_600_000 + 16_000 + 1234 + 134_000
    assert all(e["total"] == 4 for e in events)


def test_sizes_from_a_manifest():
    p = piprun.ProgressParser(2, {"a-1-py3-none-any.whl": 10})
    e = p.feed("Processing /wh/a-1-py3-none-any.whl")
    assert e == {"done": 1, "total": 2, "bytes_done": 10, "item": "a-1-py3-none-any.whl"}


def test_pip_errors_are_classified():
    no_net = piprun.classify(["WARNING: Retrying ... Failed to establish a new connection: [Errno 111]",
                              "ERROR: No matching distribution found for torch==2.13.0"], "installing")
    assert no_net.code == "no_network"
    full = piprun.classify(["ERROR: Could not install packages due to an OSError: [Errno 28] No space left on "
                            "device"], "installing")
    assert full.code == "disk_full"
    other = piprun.classify(["Collecting foo", "ERROR: Could not find a version that satisfies the requirement foo",
                             "ERROR: No matching distribution found for foo"], "installing packages")
    assert other.code == "pip_failed"
    assert other.message == "pip failed while installing packages: No matching distribution found for foo"
    assert "Collecting foo" in other.detail


def test_offline_env_drops_pip_configuration():
    env = piprun.offline_env({"PIP_INDEX_URL": "x", "PIP_EXTRA_INDEX_URL": "y", "PIP_FIND_LINKS": "z",
                              "pip_constraint": "c", "PATH": "/bin"})
    assert env == {"PATH": "/bin", "PIP_CONFIG_FILE": os.devnull}


def test_a_real_pip_failure_surfaces_pips_own_message(capsys):
    with pytest.raises(InstallerError) as e:
        piprun.run_pip(BASE_PYTHON, ["install", "--dry-run", "--no-index", "hone-no-such-package-xyz"],
                       Reporter(True), "installing packages", env=piprun.offline_env())
    assert e.value.code == "pip_failed"
    assert "No matching distribution found for hone-no-such-package-xyz" in e.value.message
    # pip's lines went out as log events, one JSON object per line
    logs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert logs and all(x["event"] == "log" for x in logs)


def test_torch_index_probe_and_fallback(monkeypatch):
    monkeypatch.delenv("HONE_TORCH_INDEX", raising=False)
    said = []
    assert torch_index.resolve_index("auto", "cu128", said.append, probe=lambda u: True) == \
        "https://download.pytorch.org/whl/cu128"
    assert torch_index.resolve_index("auto", "cpu", said.append, probe=lambda u: False) is None
    assert "could not be reached" in said[-1] and "configured pip index" in said[-1]
    assert torch_index.resolve_index("auto", "mps", said.append, probe=lambda u: True) is None
    assert torch_index.resolve_index("pypi", "cu128", said.append) is None
    assert torch_index.resolve_index("https://mirror.example/torch/", "cpu", said.append) == \
        "https://mirror.example/torch"
    monkeypatch.setenv("HONE_TORCH_INDEX", "pypi")
    assert torch_index.resolve_index("auto", "cu128", said.append, probe=lambda u: True) is None


def test_probe_is_quick_when_the_host_is_unreachable():
    import time

    t = time.monotonic()
    assert torch_index.reachable("http://127.0.0.1:9/whl/cpu", timeout=2) is False
    assert time.monotonic() - t < 5


# ---- wheelhouse checks --------------------------------------------------------------------------

def make_wheel(directory: Path, name: str, version: str, requires: list[str] = ()) -> Path:
    """A real, minimal pure-Python wheel (pip installs it)."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "",
        f"{dist}/METADATA": "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}".format(
            name, version, "".join(f"Requires-Dist: {r}\n" for r in requires)),
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: hone-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    path = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        for arc, text in files.items():
            z.writestr(arc, text)
        z.writestr(f"{dist}/RECORD", "".join(f"{a},,\n" for a in files) + f"{dist}/RECORD,,\n")
    return path


def make_house(tmp_path: Path, **over) -> Path:
    house = tmp_path / "house"
    house.mkdir()
    make_wheel(house, "honetest_a", "1.0")
    make_wheel(house, "honetest_b", "2.0")
    fields = {"profile": "app", "variant": "cpu", "python_version": wheelhouse.current_python(),
              "plat": wheelhouse.current_platform(), "requirements": {"no_deps_files": []}, **over}
    wheelhouse.write_manifest(house, **fields)
    return house


def test_manifest_hash_check_catches_a_tampered_file(tmp_path):
    house = make_house(tmp_path)
    manifest = wheelhouse.load_and_check(house)
    assert [f["name"] for f in manifest["files"]] == ["honetest_a-1.0-py3-none-any.whl",
                                                      "honetest_b-2.0-py3-none-any.whl"]
    target = house / "honetest_b-2.0-py3-none-any.whl"
    data = bytearray(target.read_bytes())
    data[10] ^= 0xFF  # same size, one byte changed
    target.write_bytes(bytes(data))
    with pytest.raises(InstallerError) as e:
        wheelhouse.load_and_check(house)
    assert e.value.code == "wheelhouse_invalid" and "honetest_b-2.0-py3-none-any.whl" in e.value.message
    target.unlink()
    with pytest.raises(InstallerError, match=r"missing honetest_b-2\.0"):
        wheelhouse.load_and_check(house)


def test_a_tampered_tarball_is_refused_before_pip(tmp_path):
    house = make_house(tmp_path)
    tar = wheelhouse.make_tar(house)
    (house / "honetest_a-1.0-py3-none-any.whl").write_bytes(b"evil")
    wheelhouse.make_tar(house)  # rebuilt with the tampered file and the old manifest
    code, events, _ = run_installer("install", "--venv", str(tmp_path / "venv"), "--wheelhouse", str(tar),
                                    "--skip-smoke")
    assert code == 1
    err = error_of(events)
    assert err["code"] == "wheelhouse_invalid" and "honetest_a-1.0-py3-none-any.whl" in err["message"]
    assert not any(e["event"] == "log" for e in events)  # pip never ran
    assert not (tmp_path / "venv").exists()  # nor was a venv made


def test_another_python_or_platform_is_refused():
    here = wheelhouse.current_python()
    m = {"format": 1, "python_version": here, "platform": wheelhouse.current_platform()}
    assert wheelhouse.compatibility_problem(m, here) is None
    assert "Python 3.9" in wheelhouse.compatibility_problem({**m, "python_version": "3.9"}, here)
    other = "win_amd64" if sys.platform != "win32" else "manylinux_2_28_x86_64"
    assert "platform " + other in wheelhouse.compatibility_problem({**m, "platform": other}, here)
    assert wheelhouse.platform_family("manylinux_2_28_x86_64") == ("linux", "x86_64", (2, 28))
    if sys.platform == "linux" and wheelhouse.current_platform().endswith("x86_64"):
        assert wheelhouse.compatibility_problem({**m, "platform": "manylinux_2_28_x86_64"}, here) is None
        assert "glibc 9.99" in wheelhouse.compatibility_problem({**m, "platform": "manylinux_9_99_x86_64"}, here)


def test_requirements_from_the_manifest_are_hashed(tmp_path):
    house = make_house(tmp_path, requirements={"no_deps_files": ["honetest_b-2.0-py3-none-any.whl"],
                                               "extras": {"honetest_a": ["bench"]}})
    manifest = wheelhouse.load_and_check(house)
    main, alone = wheelhouse.requirement_files(house, manifest, tmp_path)
    sha = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert main.read_text() == f"honetest-a[bench]==1.0 --hash=sha256:{sha['honetest_a-1.0-py3-none-any.whl']}\n"
    assert alone.read_text() == f"honetest-b==2.0 --hash=sha256:{sha['honetest_b-2.0-py3-none-any.whl']}\n"


def test_a_wheelhouse_missing_a_dependency_surfaces_pips_message(tmp_path):
    """A consistent manifest, but a wheel needs a package the wheelhouse lacks: pip's own words come back."""
    house = tmp_path / "house"
    house.mkdir()
    make_wheel(house, "honetest_needy", "1.0", requires=["hone-missing-dep>=1"])
    wheelhouse.write_manifest(house, profile="app", variant="cpu", python_version=wheelhouse.current_python(),
                              plat=wheelhouse.current_platform(), requirements={})
    code, events, _ = run_installer("install", "--venv", str(tmp_path / "venv"), "--wheelhouse", str(house),
                                    "--skip-smoke", env={**piprun.offline_env(), **PROXY_OFF})
    assert code == 1
    err = error_of(events)
    assert err["code"] == "pip_failed"
    assert "No matching distribution found for hone-missing-dep" in err["message"]
    assert "hone-missing-dep" in err["detail"]
    failed = [e for e in events if e["event"] == "step" and e["status"] == "failed"]
    assert [e["step"] for e in failed] == ["install"]


# ---- pre-flight errors --------------------------------------------------------------------------

def test_not_enough_disk_is_a_readable_disk_full(tmp_path):
    code, events, _ = run_installer("install", "--venv", str(tmp_path / "venv"), "--torch", "cpu",
                                    "--min-free-gb", "100000")
    assert code == 1
    err = error_of(events)
    assert err["code"] == "disk_full"
    assert "GB is free" in err["message"] and "at least 100000 GB" in err["message"]
    assert not (tmp_path / "venv").exists()


def test_python_too_old():
    assert pyversion.python_too_old((3, 11, 7)) is None
    msg = pyversion.python_too_old((3, 9, 18, "final", 0))
    assert msg.startswith("Python 3.9.18 is too old") and "3.10" in msg
    code, events, _ = run_installer("detect", env={**os.environ, "HONE_INSTALLER_PYTHON_VERSION": "3.9.18"})
    assert code == 1 and error_of(events)["code"] == "python_too_old"


def test_detect_and_bad_arguments(tmp_path):
    code, events, _ = run_installer("detect")
    assert code == 0
    hw = events[-1]["hardware"]
    assert events[-1]["event"] == "done" and hw["kind"] in ("nvidia", "rocm", "mps", "cpu")
    code, _, err = run_installer("install", "--venv", str(tmp_path), "--torch", "cu999")
    assert code == 2 and "invalid choice" in err
    not_a_venv = tmp_path / "data"
    not_a_venv.mkdir()
    (not_a_venv / "precious.txt").write_text("keep me")
    code, _, err = run_installer("install", "--venv", str(not_a_venv), "--reinstall", "--torch", "cpu")
    assert code == 2 and "will not delete it" in err
    assert (not_a_venv / "precious.txt").exists()
