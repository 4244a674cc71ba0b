"""A city on Dask: a case split into districts, city-wide lots divided first, districts solved in parallel.

`solve_city(case)` is the library call and `allocate city CASE -o OUT` the command (`allocate.city.command`).
How a district is read from a grid: `allocate.city.districts`; how a case splits: `allocate.city.split`; how the
shared lots are divided: `allocate.city.master`; what a worker does: `allocate.city.parts`; how the plans merge:
`allocate.city.merge`. The guide is `docs/city.md`.
"""

from allocate.city.districts import Districts
from allocate.city.master import Division, PartDemand, divide, part_demand
from allocate.city.parts import GeneratedDistrict, PartOutcome, PartSource
from allocate.city.solve import CityResult, CityRun, solve_city, solve_sources
from allocate.city.split import CitySplit, SharedLot, split_city

__all__ = [
    "CityResult",
    "CityRun",
    "CitySplit",
    "Districts",
    "Division",
    "GeneratedDistrict",
    "PartDemand",
    "PartOutcome",
    "PartSource",
    "SharedLot",
    "divide",
    "part_demand",
    "solve_city",
    "solve_sources",
    "split_city",
]
