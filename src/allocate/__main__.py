"""`python -m allocate` runs the command line."""

from allocate.cli import main

main()
