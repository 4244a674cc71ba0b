"""Sphinx configuration: MyST Markdown pages, the furo theme, API pages from docstrings, CLI pages from click.

Build (warnings are errors, as in CI): sphinx-build -W --keep-going -b html docs docs/_build/html
Nothing is fetched from the network at build time: no intersphinx, no remote images, no mermaid.
"""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "src"))  # the package, also when it is not installed in editable mode

project = "allocate"
author = "the allocate developers"
copyright = "the allocate developers"
release = _version("allocate")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_click",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_tools", "README.md", ".*"]

myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3

# API pages: signatures with readable types, members in source order, no pydantic internals.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autodoc_class_signature = "separated"
autodoc_default_options = {
    "exclude-members": "model_config, model_fields, model_computed_fields, model_post_init",
}
napoleon_google_docstring = False
napoleon_numpy_docstring = False

html_theme = "furo"
html_title = f"allocate {release}"
html_static_path = ["_static"]
html_show_sourcelink = False
html_last_updated_fmt = None

language = "en"
