"""Entry point: ``python3 trainer/installer <command> ...`` (see README.md here for the protocol)."""

import json
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
# Running a directory puts it first on sys.path; our module names must not shadow the stdlib, so import
# the package from its parent instead.
if sys.path and os.path.abspath(sys.path[0] or ".") == _here:
    sys.path.pop(0)
sys.path.insert(0, os.path.dirname(_here))

from installer.pyversion import python_too_old  # noqa: E402

# The version gate runs before anything that needs 3.10 (HONE_INSTALLER_PYTHON_VERSION injects one in tests).
_injected = os.environ.get("HONE_INSTALLER_PYTHON_VERSION")
_problem = python_too_old(tuple(int(p) for p in _injected.split(".")) if _injected else sys.version_info)
if _problem:
    if "--json" in sys.argv:
        print(json.dumps({"event": "step", "step": "python", "status": "failed", "message": _problem}))
        print(json.dumps({"event": "error", "code": "python_too_old", "message": _problem, "detail": None}))
    else:
        print("[installer] error (python_too_old): " + _problem, file=sys.stderr)
    sys.exit(1)

from installer.cli import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
