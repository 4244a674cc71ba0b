"""The bundled demo case, 幸福里社区: CSV tables with Chinese headers and a policy.toml, shipped as package data.

The files are made by `scripts/make_demo.py` from `allocate.generate.write_demo`; a test checks they still match.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def path() -> Path:
    """The folder holding the demo case's files (besides this module, which readers and copies skip)."""
    root = resources.files(__name__)
    if not isinstance(root, Path):
        raise RuntimeError(f"allocate is installed in a way that hides its files ({root}); install it unzipped")
    return root
