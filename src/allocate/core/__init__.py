"""The solver-neutral core: case -> index arrays -> leximin goods flows, volunteers, rounding and lot choice.

Nothing here reads files or prints; LP and MIP pieces go through a `Backend` (see `allocate.backends`).
"""
