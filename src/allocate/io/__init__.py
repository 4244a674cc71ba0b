"""Reading and writing cases: CSV folders and xlsx workbooks in, CSV folders and `policy.toml` out."""

from allocate.io.plan_files import read_plan, recorded_plan_date
from allocate.io.policy_file import policy_toml, read_policy
from allocate.io.reader import case_files, case_language, read_case, read_case_with_warnings
from allocate.io.template import write_template
from allocate.io.writer import write_case

__all__ = [
    "case_files",
    "case_language",
    "policy_toml",
    "read_case",
    "read_case_with_warnings",
    "read_plan",
    "read_policy",
    "recorded_plan_date",
    "write_case",
    "write_template",
]
