"""Fairness over rounds, simulated: a lockdown of several rounds on a generated community, policies compared.

`simulate(households, rounds, seed)` draws a community (`allocate.generate`), lets its households ask again each
round while supplies arrive in waves (some rounds short, some plentiful), plans every round under each compared
policy (each round alone, and `[over_rounds]` every round, a window, a decay: `POLICIES`), feeding each policy its
own history, and measures per tier the worst cumulative fill, the largest gap between two households' cumulative
fills (envy in Sinclair's sense) and the units left unused. `write_simulation` writes the tables and a plot.

Modules: `community` (the rounds' cases), `measure` (running and measuring the policies), `write` (CSV, the
printed table and the SVG plot). The command is `allocate simulate` (`allocate.cli`); docs/simulation.md.
"""

from allocate.simulate.community import Community, community
from allocate.simulate.measure import POLICIES, Simulation, TierResult, simulate
from allocate.simulate.write import simulation_table, write_simulation

__all__ = [
    "POLICIES",
    "Community",
    "Simulation",
    "TierResult",
    "community",
    "simulate",
    "simulation_table",
    "write_simulation",
]
