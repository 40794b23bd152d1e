"""Hone's Python environment installer (stdlib only; runs before any venv exists)."""
