"""What the five parties are told (`allocate notice`): a statement per donor and a public notice per grid (公示).

    from allocate import read_case, run
    from allocate.notice import build_notice, write_notice

    result = run(read_case("my-case"))
    write_notice("my-notice", result.plan, lang="zh")

`build_notice` gives the same as data (`Notice`); `allocate.notice.build` says what "expired unused" means
(`EXPIRY_WINDOW_DAYS`) and how household ids are masked (`mask_id`).
"""

from allocate.notice.build import (
    EXPIRY_WINDOW_DAYS,
    DonorStatement,
    Expired,
    Given,
    GridNotice,
    ItemTotal,
    Notice,
    NoticeRow,
    build_notice,
    mask_id,
)
from allocate.notice.html import render_donors, render_notice
from allocate.notice.write import NOTICE_FILES, write_notice

__all__ = [
    "EXPIRY_WINDOW_DAYS",
    "NOTICE_FILES",
    "DonorStatement",
    "Expired",
    "Given",
    "GridNotice",
    "ItemTotal",
    "Notice",
    "NoticeRow",
    "build_notice",
    "mask_id",
    "render_donors",
    "render_notice",
    "write_notice",
]
