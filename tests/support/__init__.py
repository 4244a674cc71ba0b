"""Test support shared by the test modules and `benchmarks/differential.py`: the independent references.

- `tiny_cases`: the random-case strategies (tiny for brute force, small and medium for the exact MIP), the
  plans one change away from a plan, and cases written out as code.
- `brute_force`: every feasible plan of a tiny case, and the optimum, straight from SPEC section 3.
- `exact_mip`: the same optimum by a tier-by-tier leximin MIP, for cases brute force cannot reach.
- `local_moves`: one-move improvements of a plan, each with the better plan as witness.

None of them imports allocate's engine, backends, verifier or explanations: they judge those.
"""
