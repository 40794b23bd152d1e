"""The Python version gate. Kept free of newer syntax so an old interpreter can still run it and say why."""

MIN_PYTHON = (3, 10)


def python_too_old(version_info):
    """A readable sentence when ``version_info`` is below MIN_PYTHON, else None."""
    if tuple(version_info[:2]) >= MIN_PYTHON:
        return None
    have = ".".join(str(p) for p in version_info[:3])
    need = ".".join(str(p) for p in MIN_PYTHON)
    return (f"Python {have} is too old: Hone's trainer needs Python {need} or newer (3.10-3.12). "
            "Install a newer Python and run the installer with it.")
