"""Every word allocate shows a planner, in English and Chinese: one table, so no text exists in one language only.

`report.html` and `explain_household` both read it (the report imports `explain`, so the words live below both).
Each message is a key with an (English, Chinese) pair of `str.format` templates, and both sides take the same
`{fields}` (tests/test_catalog.py checks it), so a sentence can be reworded in one language without touching the
code. Values are inserted as given: the report escapes after filling in.

Case text (ids, items, grids, tier names) is the planner's own and is shown as written; only the default policy's
tier names and the urgency levels have a Chinese form. Problems with a case, violations of a plan and the command's
own errors are here too: the code that finds a problem composes its English itself and keeps the key of its words
here (`Problem.key`), so the English side says what that code says. Errors the library raises to code that calls
it (a constructor's `InputError`, `InvalidParameterError`) are English, the language of its API.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["en", "zh"]
"""The languages of the report and the explanations."""

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # key: (English, Chinese)
    # --- shared ---------------------------------------------------------------------------------------------------
    "colon": (": ", "："),
    "list_sep": ("; ", "；"),  # between clauses
    "comma": (", ", "，"),  # between parts of one sentence
    "enum_comma": (", ", "、"),  # between the items of a list (Chinese 顿号)
    "default_tier_critical": ("critical", "危急"),
    "default_tier_vulnerable": ("vulnerable", "困难群体"),
    "default_tier_elderly": ("elderly", "老年人"),
    "default_tier_general": ("general", "一般"),
    "tier_glossed": ("{gloss} ({name})", "{gloss}（{name}）"),  # a default tier in the report: 危急（critical）
    "quoted_name": ("{name}", "“{name}”"),  # a tier the planner named, inside a sentence
    "urgency_critical": ("critical", "紧急"),
    "urgency_high": ("high", "高"),
    "urgency_normal": ("normal", "普通"),
    "urgency_low": ("low", "低"),
    "quantity": ("{n} {unit}", "{n}{unit}"),  # only in languages of UNITS_AFTER_NUMBERS
    "measure_word": ("units", "份"),  # the unit of an item whose name gives none
    # --- report.html ----------------------------------------------------------------------------------------------
    "html_lang": ("en", "zh-CN"),  # the page's `lang` attribute
    "title": ("Allocation report", "物资与志愿服务分配报告"),
    "plan_date": ("Plan date", "计划日期"),
    "status": ("Status", "状态"),
    "status_optimal": ("best possible: proven the best plan the policy allows", "最佳：已证明是符合政策的最佳方案"),
    "status_feasible": ("checked, but not proven the best possible", "已校验，但未证明是最佳方案"),
    "reason_heuristic": ("Not proven because a quick rule decided", "未证明最佳：由快速规则决定"),
    "reason_time_limit": (
        "Not proven because the exact search ran out of time",
        "未证明最佳：精确求解在时限内未完成",
    ),
    "reason_size_limit": (
        "Not proven because the case is too large for the exact search",
        "未证明最佳：案例规模超出精确求解范围",
    ),
    "step_volunteers": ("who gets the volunteer hours", "志愿者时间给谁"),
    "step_all_or_nothing": ("which whole-or-nothing needs are given", "哪些整份需求得到满足"),
    "step_total_fill": ("how a tier's total is shared", "同一优先级内总量如何分配"),
    "tier_best": (
        "{tier}: no plan reaches more, or lifts the worst fill higher",
        "{tier}：没有方案能覆盖更多，或让最低满足率更高",
    ),
    "tier_short": ("{tier}: {what}", "{tier}：{what}"),
    "tier_within": (
        "at most {n} more needs or services could be reached",
        "最多还能多满足 {n} 项需求或服务",
    ),
    "tier_worst": (
        "the worst-served got {low}; at most {top} is possible",
        "最差一项满足 {low}，最多可达 {top}",
    ),
    "solver": ("Solver", "求解器"),
    "headline": ("At a glance", "概览"),
    "hh_fully": ("Households fully served", "需求全部满足的户数"),
    "hh_receiving": ("Households that received something", "获得物资或服务的户数"),
    "of_with_requests": ("of {n} with requests", "共 {n} 户有需求"),
    "needs_fully": ("Needs fully served", "完全满足的物资需求"),
    "services_done": ("Services done", "已安排的上门服务"),
    "units_allocated": ("Units allocated", "已分配物资数量"),
    "of_n": ("of {n}", "共 {n}"),
    "unmet": ("Not fully served", "未完全满足"),
    "unmet_sub": ("needs and services", "项需求与服务"),
    "hours_used": ("Volunteer hours used", "已用志愿者时长"),
    "tiers_h": ("Fill per priority tier", "各优先级满足率"),
    "tier": ("Tier", "优先级"),
    "needs": ("Needs", "物资需求"),
    "services": ("Services", "服务"),
    "households": ("Households", "户数"),
    "min_fill": ("Lowest fill", "最低满足率"),
    "mean_fill": ("Mean fill", "平均满足率"),
    "fully_served": ("Needs and services fully served", "完全满足的需求与服务"),
    "min_fill_supplied": ("Lowest fill, donated items", "最低满足率（有捐赠的物资）"),
    "fill_note": (
        "Fill is units received ÷ units asked (a service counts 0 or 1). Tiers are served in priority order; "
        "inside a tier the lowest fill is raised first. Percentages are rounded down, so 100% means fully served.",
        "满足率 = 实得数量 ÷ 申请数量（服务按 0 或 1 计）。按优先级从高到低分配；同一优先级内先提高最低满足率。"
        "百分比向下取整，100% 即完全满足。",
    ),
    "tier_counts_note": (
        "Households: those with a need or service in the tier, so a household asking in two tiers counts in both "
        "(the total counts each once). “Donated items” leaves out needs of items no lot holds, which no plan could "
        "fill; they are listed as “no supply” below. The Gini and Jain indices are in summary.json.",
        "户数：在该优先级有需求或服务的住户，在两个优先级都有申请的住户两边都计（合计行每户只计一次）。"
        "“有捐赠的物资”不计没有任何库存的物资需求（任何方案都无法满足，见下文“无捐赠”）。"
        "基尼系数与 Jain 指数见 summary.json。",
    ),
    "fair_line": (
        "{tier}: the worst-served need or service got {low} of what it asked{apart}; half got at least {median}.",
        "{tier}：满足最少的需求或服务得到申请量的 {low}{apart}；半数至少得到 {median}。",
    ),
    "fair_apart": (
        " ({fill} leaving out {n} need(s) of items nobody donated)",
        "（不计 {n} 项无捐赠物资的需求则为 {fill}）",
    ),
    "overall": ("All tiers", "全部"),
    "items_h": ("Shortages per item", "各物资缺口"),
    "item": ("Item", "物资"),
    "supplied": ("Usable supply", "可用库存"),
    "requested": ("Requested", "申请"),
    "allocated": ("Allocated", "已分配"),
    "shortage": ("Shortage", "缺口"),
    "unused": ("Left over", "剩余"),
    "items_note": (
        "Usable supply counts lots not expired on the plan date. Bars: allocated and shortage, to one scale.",
        "可用库存只计计划日期未过期的批次。条形图：已分配与缺口，同一比例尺。",
    ),
    "no_items": ("No items were requested or supplied.", "没有物资申请或库存。"),
    "grids_h": ("Fill per grid", "各网格满足情况"),
    "grid": ("Grid", "网格"),
    "received_asked": ("Units received / asked", "实得 / 申请"),
    "hours_used_free": ("Volunteer hours used here · still free", "志愿者时长 本网格已用 · 尚余"),
    "grids_note": (
        "Bar: mean fill; the dark mark is the lowest fill. Still free: the hours the volunteers covering the grid "
        "have left after the whole plan (a volunteer of several grids may have spent theirs in another). A household "
        "short for “volunteer hours used up” waits because no free hour is a volunteer's who may visit it, in one "
        "piece as long as the visit.",
        "条形：平均满足率；深色标记为最低满足率。尚余：负责该网格的志愿者在整个方案后剩下的时长（负责多个网格的志愿者"
        "可能已用在其他网格）。标为“志愿者时长用尽”的住户，是因为剩余时长都不属于可以上门该户的志愿者，或不足一次上门。",
    ),
    "volunteers_h": ("Volunteer hours", "志愿者时长"),
    "used": ("Used", "已用"),
    "offered": ("Offered", "可用"),
    "deliveries": ("Deliveries", "送货上门"),
    "service_visits": ("Services", "上门服务"),
    "unused_hours": ("Not used", "未用"),
    "volunteers_count": ("{n} volunteers", "{n} 名志愿者"),
    "no_volunteers": ("No volunteers table: deliveries were not limited.", "未提供志愿者表：送货不受人力限制。"),
    "help_h": ("What would help most", "最需要补充的资源"),
    "help_intro": (
        "One more unit of an item, or one more volunteer hour in a grid, ranked by the highest-priority tier it "
        "would help, then by how much it raises that tier's lowest fill, then its mean fill.",
        "每增加一份物资或某网格增加一小时志愿者时间的效果，依次按受益的最高优先级、该优先级最低满足率的提高、"
        "平均满足率的提高排序。",
    ),
    "resource": ("More of", "增加"),
    "one_unit": ("1 unit of {name}", "1 份 {name}"),
    "one_hour": ("1 hour of a {who}volunteer in grid {name}", "{name}：1 小时{who}志愿者时间"),
    "with_skills": ("{skills}-skilled ", "具备{skills}技能的"),
    "designated_volunteer": ("designated (防疫专班) ", "防疫专班"),
    "tier_helped": ("Tier helped", "受益优先级"),
    "min_gain": ("Lowest fill rises by", "最低满足率提高"),
    "mean_gain": ("Mean fill rises by", "平均满足率提高"),
    "methods_note": (
        "Each value was measured by solving again with one more unit or hour. Gains are in percentage points.",
        "每项数值均为增加一份或一小时后重新求解测得。提高幅度以百分点计。",
    ),
    "more_help": ("{n} more in summary.json.", "其余 {n} 项见 summary.json。"),
    "not_measured": (
        "Not measured, to save time (smaller shortages): {n}; summary.json marks them “measured”: false.",
        "为节省时间未测算（缺口较小）：{n} 项；summary.json 中标为 “measured”: false。",
    ),
    "short_of_it": ("Short of it", "缺口"),
    "helps_nobody": (
        "Short, but one more would raise no tier's fill ({n}): {names}.",
        "有缺口，但只增加一份或一小时不会提高任何优先级的满足率（{n} 项）：{names}。",
    ),
    "and_more": (" and {n} more", " 等，另有 {n} 项"),
    "nothing_helps": (
        "No extra unit or volunteer hour would raise any tier's fill.",
        "增加任何物资或志愿者时间都不会提高满足率。",
    ),
    "unmet_h": ("Needs and services not fully served", "未完全满足的需求与服务"),
    "by_reason": ("By reason", "按原因"),
    "count": ("Count", "数量"),
    "kind": ("Kind", "类型"),
    "kind_need": ("need", "物资"),
    "kind_service": ("service", "服务"),
    "id": ("Id", "编号"),
    "household": ("Household", "户号"),
    "item_or_skill": ("Item or skill", "物资或技能"),
    "received": ("Received", "实得"),
    "shortfall": ("Short", "缺少"),
    "reason": ("Reason", "原因"),
    "unmet_order": (
        "Highest priority first; services in hours.",
        "按优先级从高到低排列；服务以小时计。",
    ),
    "more_rows": ("{n} more in unmet.csv.", "其余 {n} 条见 unmet.csv。"),
    "all_served": ("Every need and service is fully served.", "所有需求与服务均已完全满足。"),
    "reason_no_supply": ("no supply", "无捐赠"),
    "reason_not_eligible": ("not eligible", "不符合领取条件"),
    "reason_no_volunteer": ("no volunteer", "无志愿者"),
    "reason_no_designated_volunteer": ("no designated volunteer", "无防疫专班志愿者"),
    "reason_volunteer_hours_exhausted": ("volunteer hours used up", "志愿者时长用尽"),
    "reason_all_or_nothing": ("all or nothing", "须整份"),
    "reason_reserved": ("reserved for others", "预留给他人"),
    "reason_fair_share": ("fair share", "平均分配"),
    "reason_supply_exhausted": ("supply used up", "库存用尽"),
    "meaning": ("Meaning", "说明"),
    "code": ("Code in unmet.csv", "unmet.csv 中的代码"),
    "why_no_supply": ("no lot of this item", "无此物资的捐赠"),
    "why_not_eligible": (
        "lots exist, but earmarks, grids or expiry exclude this household",
        "有库存，但定向、限定网格或有效期使此户不能领取",
    ),
    "why_no_volunteer": ("no volunteer covers the grid or has the skill", "没有覆盖该网格或具备该技能的志愿者"),
    "why_no_designated_volunteer": (
        "quarantined: no designated volunteer covers the grid (or has the skill)",
        "居家隔离：没有覆盖该网格（或具备该技能）的防疫专班志愿者",
    ),
    "why_volunteer_hours_exhausted": ("volunteer hours went to higher priorities", "志愿者时长已用于更高优先级"),
    "why_all_or_nothing": ("needs the whole quantity; not enough left", "须整份发放，剩余不足"),
    "why_reserved": (
        "the policy's reserves set units aside for other households of lower tiers",
        "政策的预留把物资留给了较低优先级的其他住户",
    ),
    "why_fair_share": ("scarce item shared evenly inside the tier", "紧缺物资在同一优先级内平均分配"),
    "why_supply_exhausted": ("higher tiers used what this household could receive", "库存已被更高优先级用完"),
    "about_h": ("About this plan", "方案信息"),
    "policy_tiers": ("Tiers, highest priority first", "优先级（由高到低）"),
    "fairness": ("Sharing inside a tier", "同一优先级内的分配"),
    "fairness_leximin": ("raise the worst-off first (leximin)", "优先提高满足率最低者（leximin）"),
    "fairness_none": ("as much in total as possible", "总量最大"),
    "visit_hours": ("Hours per delivery visit", "每次送货时长（小时）"),
    "inputs": ("Input files (SHA-256, first 16 digits)", "输入文件（SHA-256 前 16 位）"),
    "version": ("allocate version", "allocate 版本"),
    "files_note": (
        "Full detail: summary.json, allocation.csv, visits.csv, unmet.csv.",
        "完整数据见 summary.json、allocation.csv、visits.csv、unmet.csv。",
    ),
    "none": ("none", "无"),
    # --- explain_household: one household in plain words ----------------------------------------------------------
    "hh_header": (
        "household {id} (grid {grid}, {facts}), plan of {date}",
        "住户 {id}（{grid}，{facts}），计划日期 {date}",
    ),
    "hh_members": ("{n} member(s)", "{n}口人"),
    "hh_oldest": ("oldest {age}", "最大年龄{age}岁"),
    "hh_asks_nothing": ("this household asks for nothing", "本户没有申请"),
    "hh_tier": ("tier: {tier}, because {why}", "优先级：{tier}，因为{why}"),
    "hh_need": ("need {id}: {item}{whole}", "需求 {id}：{item}{whole}"),
    "hh_whole": (", all-or-nothing", "，须整份"),
    "hh_asked": ("asked {asked}, received {got}{sources}", "申请{asked}，获得{got}{sources}"),
    "hh_source": ("{q} from lot {lot}{donor}", "批次{lot}{donor}{q}"),
    "hh_donor": (" (donor {donor})", "（{donor}）"),
    "hh_short": ("short by {short}: {why}", "缺{short}：{why}"),
    "hh_service": ("service {id}: {skill}, {hours} h", "服务 {id}：{skill}，{hours}小时"),
    "hh_done_by": ("done by volunteer {volunteer}", "由志愿者{volunteer}完成"),
    "hh_not_done": ("not done: {why}", "未完成：{why}"),
    # why a need or service is in its tier: the policy clause that matched, in the household's own values
    "clause_urgency": ("urgency {urgency}", "紧急程度为{urgency}"),
    "clause_age": ("aged {age}", "{age}岁"),
    "clause_lives_alone": ("lives alone", "独居"),
    "clause_not_lives_alone": ("does not live alone", "非独居"),
    "clause_disabled": ("disabled", "有残疾"),
    "clause_not_disabled": ("not disabled", "无残疾"),
    "clause_chronic_illness": ("chronic illness", "有慢性病"),
    "clause_not_chronic_illness": ("no chronic illness", "无慢性病"),
    "clause_grid": ("in grid {grid}", "位于{grid}"),
    "clause_members": ("{n} members", "{n}口人"),
    "clause_catch_all": ("no higher tier's condition holds", "不符合更高优先级的条件"),
    "raised_by_hand": (
        "raised by hand in the households table (by the policy it would be {by_policy}: {why})",
        "住户表中手动提升至{tier}（按政策应为{by_policy}：{why}）",
    ),
    # why a need is short, one message per reason code, with the numbers
    "short_no_supply": ("no lot of {item} was donated", "没有任何批次捐赠{item}"),
    "short_not_eligible": (
        "{n} lot(s) of {item} exist, but none may go to this household (grid {grid}, tier {tier}): {lots}{more}",
        "有{n}个{item}批次，但都不能发给本户（{grid}，{tier}）：{lots}{more}",
    ),
    "lot_other_item": ("{lot} holds {item}", "{lot}是{item}"),
    "lot_expired": ("{lot} expired on {date}", "{lot}已于{date}过期"),
    "lot_reserved": ("{lot} is reserved for {tier} and higher", "{lot}定向给{tier}及更高优先级"),
    "lot_grids": ("{lot} is only for grid(s) {grids}", "{lot}只限{grids}"),
    "lots_more": ("; and {n} more", "等（另有{n}个）"),
    "short_no_delivery": ("; this household got no delivery", "，本户未获送货上门"),
    "short_all_or_nothing": (
        "{item} is all-or-nothing for this household (all {asked} at once): only {spare} unit(s) it could receive "
        "were left, fewer than {asked}",
        "{item}须整份发放（一次{asked}）：可发给本户的仅剩{spare}，不足一份",
    ),
    "short_fair_share": (
        "{item} was short: the {households} {tier} households asking for it received about {pct}% of what they "
        "asked on average; this household received {got} of {asked}",
        "{item}短缺：{tier}层级中申请{item}的{households}户平均获得约{pct}%，本户获得{asked}中的{got}",
    ),
    "short_reserved": (
        "{item}: {away} of the units this household may receive went to lower-priority households through the "
        "policy's reserves ({reserves}), which this household is not among; it received {got} of {asked}",
        "{item}：本户可领取的物资中有{away}按政策预留（{reserves}）发给了较低优先级的住户，本户不在预留对象之内；"
        "本户获得{asked}中的{got}",
    ),
    "short_supply_exhausted": (
        "{item} ran out: the lots this household may receive held {held} units; higher-priority tiers took "
        "{higher}{by}, and this household received {got} of {asked}",
        "{item}已发完：本户可领取的批次共{held}，更高优先级领走{higher}{by}，本户获得{asked}中的{got}",
    ),
    "taken_by": (" ({tiers})", "（{tiers}）"),
    "taken_by_tier": ("{tier} {units}", "{tier}{units}"),
    # why no volunteer came; {skill} is empty for a delivery, else "skill_part"
    "skill_part": (" with skill {skill}", "且具备“{skill}”技能"),
    "no_volunteer_covers": ("no volunteer{skill} covers grid {grid}", "没有负责{grid}{skill}的志愿者"),
    "no_volunteer_offers": (
        "no volunteer{skill} covering grid {grid} offers the {hours} h it takes",
        "负责{grid}{skill}的志愿者可用时长都不足{hours}小时",
    ),
    "hours_ran_out": (
        "volunteer time ran out: the {n} volunteer(s){skill} covering grid {grid} offer {offered} h, all booked for "
        "other visits; none has {hours} h left{most}",
        "志愿者时间已用完：负责{grid}{skill}的{n}位志愿者共{offered}小时，都已安排给其他上门，剩余都不足{hours}小时{most}",
    ),
    "no_designated_covers": (
        "the household is quarantined and no designated volunteer{skill} covers grid {grid}",
        "该户居家隔离，没有负责{grid}{skill}的防疫专班志愿者",
    ),
    "no_designated_offers": (
        "the household is quarantined and no designated volunteer{skill} covering grid {grid} offers the {hours} h "
        "it takes",
        "该户居家隔离，负责{grid}{skill}的防疫专班志愿者可用时长都不足{hours}小时",
    ),
    "no_quarantined_visits": (
        "the household is quarantined and the policy allows no visits to quarantined households",
        "该户居家隔离，而政策不允许上门隔离户",
    ),
    "designated_ran_out": (
        "the household is quarantined and designated volunteers' time ran out: the {n} volunteer(s){skill} who may "
        "visit it in grid {grid} offer {offered} h and may each make {cap} visit(s) to quarantined households, all "
        "booked; none has {hours} h and a visit left{most}",
        "该户居家隔离，防疫专班志愿者时间已用完：可上门{grid}{skill}的{n}位志愿者共{offered}小时，每人最多上门隔离户{cap}次，"
        "都已安排；没有人同时剩余{hours}小时和上门次数{most}",
    ),
    "at_most_left": (" (at most {hours} h)", "（最多剩{hours}小时）"),
    # --- the command line: what `allocate` prints besides problems and violations ---
    "cli_ok_case": ("ok: {case}", "通过：{case}"),
    "usage_usage": ("Usage: {usage}", "用法：{usage}"),  # click's frame of a usage error, said in Chinese
    "usage_help": ("Try '{command} --help' for help.", "帮助：{command} --help"),
    "usage_error": ("Error: {error}", "错误：{error}"),
    "cli_sheets_broken": (
        "the plan in {plan} does not hold for {case} ({n} violations), so no sheets were written; solve again, or "
        "fix the plan (allocate verify lists what it breaks)",
        "{plan} 中的方案不符合 {case}（{n} 处违规），没有写任务单；请重新求解，或修正方案"
        "（allocate verify 会列出问题）",
    ),
    "contact_twice": (
        "{header}: the column is given twice (columns {columns}); keep one for the sheets",
        "{header}：该列出现了两次（第 {columns} 列）；请只保留一个",
    ),
    "contact_missing": (
        "no column '{name}' to put on the sheets; the households table's columns are {listed}",
        "住户表没有“{name}”列，无法放到任务单上；住户表的列为 {listed}",
    ),
    "cli_overlap": (
        "the output {out} would overlap the input {input}; choose a separate folder",
        "输出 {out} 与输入 {input} 重叠；请另选一个文件夹",
    ),
    "cli_out_is_file": (
        "{out} is a file, not a folder; choose another output folder",
        "{out} 是文件而不是文件夹；请另选输出文件夹",
    ),
    "cli_out_not_empty": (
        "{out} exists and is not empty; choose another folder or pass --force",
        "{out} 已存在且不是空的；请另选文件夹，或加 --force 替换先前的方案",
    ),
    "cli_wrote_template": (
        "wrote a case template to {folder}; fill it in, then run: allocate validate {case}",
        "案例模板已写入 {folder}；填好后运行：allocate validate {case}",
    ),
    "cli_wrote_workbook": (
        "wrote a workbook template to {case} (with policy.toml beside it); fill it in, then run: allocate validate "
        "{case}",
        "工作簿模板已写入 {case}（旁边有 policy.toml）；填好后运行：allocate validate {case}",
    ),
    "cli_districts_households": (
        "{districts} districts need at least {districts} households (--households is {households})",
        "{districts} 个区至少需要 {districts} 户住户（--households 为 {households}）",
    ),
    "cli_wrote_generated": (
        "wrote a case of {n} households (seed {seed}) to {folder}",
        "已生成 {n} 户的案例（种子 {seed}），写入 {folder}",
    ),
    "cli_wrote_generated_city": (
        "wrote a city of {n} households in {districts} districts (seed {seed}) to {folder}",
        "已生成 {districts} 个区共 {n} 户的城市案例（种子 {seed}），写入 {folder}",
    ),
    "cli_demo_replaced": ("replaced the demo written earlier in {out}", "已替换 {out} 中先前写入的示例"),
    "cli_demo_case": ("the demo case is in {case}", "示例案例在 {case}"),
    "cli_demo_plan": (
        "the plan is in {plan}; open {report} to read the report",
        "方案在 {plan}；打开 {report} 阅读报告",
    ),
    "cli_demo_explain": (
        "explain one household: allocate explain {case} {plan} --household 1-1-101",
        "查看一户的说明：allocate explain {case} {plan} --household 1-1-101",
    ),
    "ov_households": (
        "households: {n} ({tiers}; without requests {without})",
        "住户：{n}（{tiers}；无申请 {without}）",
    ),
    "ov_needs": (
        "needs: {n} for {items} items, {units} units asked",
        "物资需求：{n} 项，{items} 种物资，共申请 {units} 份",
    ),
    "ov_lots": ("lots: {n} holding {units} units", "捐赠批次：{n} 批，共 {units} 份"),
    "ov_no_volunteers": ("volunteers: no table, deliveries are not limited", "志愿者：无志愿者表，送货不受人力限制"),
    "ov_volunteers": ("volunteers: {n} offering {hours} hours", "志愿者：{n} 名，共 {hours} 小时"),
    "ov_services": ("services: {n}", "上门服务：{n} 项"),
    "cli_invalid_1": ("invalid input: 1 problem", "输入有误：1 处问题"),
    "cli_invalid_n": ("invalid input: {n} problems", "输入有误：{n} 处问题"),
    "cli_more": ("... and {rest} more; {total} {what} in all", "……另有 {rest} 条；共 {total} 条{what}"),
    "cli_heading": ("{what} ({n}):", "{what}（{n}）："),
    "word_problems": ("problems", "问题"),
    "word_warnings": ("warnings", "警告"),
    "word_notes": ("notes", "提示"),
    "word_violations": ("violations", "违规"),
    "cli_plan_fails": ("the plan does not hold: {n} violations", "方案不成立：{n} 处违规"),
    "cli_plan_holds": ("ok: the plan in {out} holds for {case}", "通过：{out} 中的方案符合 {case}"),
    "cli_no_violations": ("plan verified: no violations", "方案已校验：无违规"),
    "cli_plan_written": ("plan written to {out}; open {report} to read it", "方案已写入 {out}；打开 {report} 阅读报告"),
    "step_reading": ("reading the case", "读取案例"),
    "step_solving": ("solving", "求解"),
    "step_verifying": ("verifying the plan", "校验方案"),
    "step_explaining": ("explaining shortfalls", "说明缺口原因"),
    "step_writing": ("writing the plan", "写入方案"),
    "step_for": ("for {what}", "：{what}"),
    "step_to": ("to {out}", "→ {out}"),
    "step_done": ("{what}: {found}done in {took}", "{what}：{found}用时 {took}"),
    "step_found": ("{found}, ", "{found}，"),
    "secs": ("{x} s", "{x} 秒"),
    "mins": ("{m} min {s} s", "{m} 分 {s} 秒"),
    "count_households_1": ("1 household", "1 户"),
    "count_households_n": ("{n} households", "{n} 户"),
    "count_needs_1": ("1 need", "1 项需求"),
    "count_needs_n": ("{n} needs", "{n} 项需求"),
    "count_lots_1": ("1 lot", "1 批物资"),
    "count_lots_n": ("{n} lots", "{n} 批物资"),
    "count_volunteers_1": ("1 volunteer", "1 名志愿者"),
    "count_volunteers_n": ("{n} volunteers", "{n} 名志愿者"),
    "count_services_1": ("1 service", "1 项服务"),
    "count_services_n": ("{n} services", "{n} 项服务"),
    # what the command says when it cannot finish: the disk, memory, Ctrl-C, a bug (allocate.cli)
    "what_output": ("the output", "输出"),
    "what_plan": ("the plan", "方案"),
    "what_template": ("the template", "模板"),
    "what_demo_case": ("the demo case", "示例案例"),
    "what_case": ("the case", "案例"),
    "what_sheets": ("the sheets", "任务单"),
    "cli_written": ("{what} was written to {folder}", "{what}已写入 {folder}"),
    "nothing_written": ("nothing was written", "没有写入任何文件"),
    "only_written": ("only {written}", "只有{written}"),
    "cli_interrupted": ("interrupted: nothing was written", "已中断：没有写入任何文件"),
    "cli_interrupted_after": ("interrupted after {written}", "已中断：{written}"),
    "cli_no_memory": ("not enough memory for this case", "内存不足，无法处理这个案例"),
    "cli_no_memory_while": ("not enough memory for this case (while {step})", "内存不足，无法处理这个案例（{step}时）"),
    "cli_no_memory_do": (
        "{done}; close other programs or use a machine with more memory, or split the case into smaller ones (by "
        "grid, say)",
        "{done}；请关闭其他程序，或换一台内存更大的电脑，或把案例拆成几个小的（比如按网格拆）",
    ),
    "disk_full": ("the disk is full", "磁盘已满"),
    "disk_quota": ("the disk quota is used up", "磁盘配额已用完"),
    "disk_full_do": ("free some space, or choose a folder on another disk", "请腾出空间，或选择另一个磁盘上的文件夹"),
    "disk_read_only": ("the disk is read-only", "磁盘是只读的"),
    "disk_read_only_do": ("choose a folder on a disk you can write to", "请选择可以写入的磁盘上的文件夹"),
    "disk_denied": ("permission denied", "没有权限"),
    "disk_denied_do": (
        "choose a folder you can write to, and close any program (Excel, WPS) that has one of its files open",
        "请选择有写入权限的文件夹，并关闭打开着其中文件的程序（Excel、WPS）",
    ),
    "disk_not_allowed": ("the system does not allow it", "系统不允许这样做"),
    "disk_not_allowed_do": ("choose a folder you can write to", "请选择有写入权限的文件夹"),
    "os_error": ("{why}", "系统报错 {code}"),  # English gives the system's words, Chinese its code (EIO)
    "disk_other_do": ("check the folder and the disk", "请检查文件夹和磁盘"),
    "disk_renames": (
        " (allocate creates and renames folders in {parent})",
        "；allocate 要在 {parent} 中新建和重命名文件夹",
    ),
    "a_file": ("a file", "某个文件"),
    "cli_cannot_use": ("cannot use {file}: {why}; {what_to_do}", "无法使用 {file}：{why}；{what_to_do}"),
    "writing_file": (" (writing {name})", "（写入 {name} 时）"),
    "cli_could_not_write": ("could not write {what} to {folder}: {why}{at}", "无法把{what}写入 {folder}：{why}{at}"),
    "cli_unchanged": ("{done}, and {folder} is unchanged; {what_to_do}", "{done}，{folder} 保持原样；{what_to_do}"),
    "cli_cannot_write_to": (
        "cannot write to {folder}: permission denied, or a read-only disk",
        "无法写入 {folder}：没有权限，或磁盘是只读的",
    ),
    "cli_choose_writable": (
        "nothing was written; choose an output folder you can write to (allocate creates {out} there)",
        "没有写入任何文件；请选择有写入权限的输出文件夹（allocate 会在那里新建 {out}）",
    ),
    "cli_restored": (
        "restored {out}: a run stopped while replacing it had moved it aside",
        "已恢复 {out}：上次运行在替换它时被中断，曾把它移到一旁",
    ),
    "cli_verification_failed": (
        "internal error: the plan failed verification; nothing was written",
        "内部错误：方案没有通过校验；没有写入任何文件",
    ),
    "cli_error": ("error: {error}", "错误：{error}"),
    "cli_internal": ("internal error: {error}", "内部错误：{error}"),
    "cli_report_it": ("please report this with the command you ran", "请把这条信息连同运行的命令一起报告给开发者"),
    "cli_no_household": ("no household {id} in {case}", "{case} 中没有住户 {id}"),
    "cli_no_folder": ("Folder {folder} does not exist.", "文件夹 {folder} 不存在"),
    "cli_with_nothing": (
        "name at least one column, such as --with 地址,电话",
        "请至少写一个列名，例如 --with 地址,电话",
    ),
    "and_n_more": (" and {n} more", " 等（另有 {n} 个）"),
    "cli_out_foreign": (
        "{out} holds {names}, which allocate did not write there, so it will not replace the folder; move those "
        "away, or choose another output folder",
        "{out} 中有 {names}，不是 allocate 写入的，所以不会替换这个文件夹；请把它们移走，或另选输出文件夹",
    ),
    "cli_demo_foreign": (
        "{out} holds {names}, which allocate demo did not write there, so it will not replace it; move those away, "
        "or choose another folder",
        "{out} 中有 {names}，不是 allocate demo 写入的，所以不会替换它；请把它们移走，或另选文件夹",
    ),
    "cli_demo_edited": (
        "{case} holds {names} changed since the demo wrote them, so it will not replace them; pass --force to "
        "replace them anyway, or choose another folder",
        "{case} 中的 {names} 在示例写入后改过，所以不会替换它们；仍要替换请加 --force，或另选文件夹",
    ),
    "cli_no_backend": (
        "no LP/MIP backend is installed; install the default one with: pip install highspy",
        "没有安装任何求解器；请安装默认的求解器：pip install highspy",
    ),
    "cli_backend_missing": (
        "backend {name} is not installed in a version allocate supports; install it with: {install}",
        "求解器 {name} 没有安装，或版本不受支持；安装方法：{install}",
    ),
    # click's own usage errors: the English is click's (English runs print click's own words), the Chinese ours
    "usage_options": ("[OPTIONS]", "[选项]"),
    "usage_command_args": ("COMMAND [ARGS]...", "命令 [参数]..."),
    "usage_missing_argument": ("Missing argument {hint}.", "缺少参数 {hint}"),
    "usage_missing_option": ("Missing option {hint}.", "缺少选项 {hint}"),
    "usage_bad_value": ("Invalid value for {hint}: {said}", "{hint} 的值有误：{said}"),
    "usage_bad_value_plain": ("not a value it takes", "不能取这个值"),
    "usage_no_option": ("No such option: {name}", "没有选项 {name}"),
    "usage_did_you_mean": ("{said} Did you mean {names}?", "{said}；是否应为 {names}？"),
    "usage_no_command": ("No such command {name}.", "没有命令 {name}；可用的命令：{commands}"),
    "usage_missing_command": ("Missing command.", "缺少命令"),
    "usage_needs_value": ("Option {name} requires an argument.", "选项 {name} 后面要写一个值"),
    "usage_takes_no_value": ("Option {name} does not take a value.", "选项 {name} 不带值"),
    "usage_extra_1": ("Got unexpected extra argument ({args})", "多出了参数：{args}"),
    "usage_extra_n": ("Got unexpected extra arguments ({args})", "多出了参数：{args}"),
    "usage_path_missing": ("Path {path} does not exist.", "{path} 不存在"),
    "usage_path_is_folder": ("File {path} is a directory.", "{path} 是文件夹，这里要的是文件"),
    "usage_path_is_file": ("Directory {path} is a file.", "{path} 是文件，这里要的是文件夹"),
    "usage_path_denied": ("Path {path} is not readable.", "{path} 没有读取权限"),
    "usage_choice": ("{value} is not one of {choices}.", "{value} 不是可选的值；可选：{choices}"),
    "usage_not_whole": ("{value} is not a valid integer.", "{value} 不是整数"),
    "usage_not_number": ("{value} is not a valid float.", "{value} 不是数字"),
    "usage_at_least": ("{value} is not in the range x>={bound}.", "{value} 太小：应不小于 {bound}"),
    "usage_above": ("{value} is not in the range x>{bound}.", "{value} 太小：应大于 {bound}"),
    "usage_at_most": ("{value} is not in the range x<={bound}.", "{value} 太大：应不大于 {bound}"),
    "usage_below": ("{value} is not in the range x<{bound}.", "{value} 太大：应小于 {bound}"),
    # --- --help (allocate.cli_usage): the English is what `allocate --help` has always said, the Chinese ours ---
    "help_options": ("Options", "选项"),
    "help_commands": ("Commands", "命令"),
    "help_default": ("default: {value}", "默认：{value}"),
    "help_required": ("required", "必填"),
    "help_extras": ("{help}  [{extras}]", "{help}（{extras}）"),
    "help_metavar_path": ("PATH", "路径"),
    "help_metavar_file": ("FILE", "文件"),
    "help_metavar_directory": ("DIRECTORY", "文件夹"),
    "help_metavar_integer": ("INTEGER", "整数"),
    "help_metavar_integer_range": ("INTEGER RANGE", "整数"),
    "help_metavar_float_range": ("FLOAT RANGE", "数"),
    "help_metavar_text": ("TEXT", "文本"),
    "help_metavar_date": ("DATE", "日期"),
    "help_opt_help": ("Show this message and exit.", "显示本帮助并退出。"),
    "help_opt_version": ("Show the version and exit.", "显示版本号并退出。"),
    "help_cli": (
        "Fair, verifiable allocation of donated supplies and volunteer time to household needs.",
        "把捐赠的物资和志愿者时间公平、可校验地分配给住户的需求。",
    ),
    "help_opt_lang": ("Language: English or Chinese.", "语言：英文或中文。"),
    "help_opt_case_lang": (
        "Language of what is printed and written: English or Chinese. Default: the case's (Chinese file names or "
        "headers mean Chinese).",
        "显示和写入文件所用的语言：英文或中文。默认与案例相同（文件名或表头是中文即为中文）。",
    ),
    "help_opt_policy": ("policy.toml to use instead.", "改用的 policy.toml（代替案例自带的）。"),
    "help_opt_date": (
        "Plan date, written as in a date cell: 2026-12-01, 2026/12/1 or 2026年12月1日 (default: the policy's, or "
        "today).",
        "计划日期，写法同日期单元格：2026-12-01、2026/12/1 或 2026年12月1日（默认：政策中的日期，或今天）。",
    ),
    "help_validate": (
        "Check a case (CSV folder or .xlsx workbook) and summarise it; exit 1 if invalid.\n\n"
        "Lists every error, then the warnings (legal but probably a mistake) and notes (columns and files ignored).",
        "检查案例（CSV 文件夹或 Excel 工作簿）并概括其内容；有误时退出码为 1。\n\n"
        "先列出每个错误，再列出警告（合法但可能有误）和提示（被忽略的列和文件）。",
    ),
    "help_validate_policy": ("policy.toml to use.", "要使用的 policy.toml。"),
    "help_validate_json": ("Print the result as JSON for apps.", "以 JSON 格式输出结果，供其他程序读取。"),
    "help_template": (
        "Write empty tables (headers and one example row) and the default policy.toml to FOLDER.\n\n"
        "With --xlsx the tables are the sheets of one workbook, case.xlsx, which reads the policy.toml beside it.",
        "把空表格（表头和一行示例）和默认的 policy.toml 写入 FOLDER。\n\n"
        "加 --xlsx 时，各表格是同一个工作簿 case.xlsx 中的工作表，工作簿读取与它同在一个文件夹的 policy.toml。",
    ),
    "help_template_xlsx": (
        "Write the tables as the sheets of one workbook, FOLDER/case.xlsx.",
        "把各表格写成同一个工作簿的工作表：FOLDER/case.xlsx。",
    ),
    "help_generate": ("Write a realistic synthetic case to FOLDER.", "把一个逼真的模拟案例写入 FOLDER。"),
    "help_generate_households": ("How many households.", "住户数。"),
    "help_generate_seed": ("Same seed, same case.", "随机种子：种子相同，案例就相同。"),
    "help_generate_districts": (
        "Make a city of N districts (grids D01/G001, ...), each with its own lots and volunteers, plus city-wide "
        "lots (default: one community).",
        "生成一个有 N 个区的城市（网格 D01/G001 等），每个区有自己的物资和志愿者，另有全市共用的物资（默认：一个"
        "社区）。",
    ),
    "help_solve": (
        "Solve CASE and write the verified plan, unmet needs, summary.json and report.html to OUT.",
        "求解 CASE，把校验过的方案、未满足的需求、summary.json 和 report.html 写入 OUT。",
    ),
    "help_solve_out": ("Output folder.", "输出文件夹。"),
    "help_solve_backend": ("LP/MIP engine; auto is HiGHS.", "线性规划与整数规划求解器；'auto' 即 HiGHS。"),
    "help_solve_time_limit": (
        "Wall-clock seconds for every solver call of the run together (the exact search, then marginal values); "
        "when they run out, the best plan in hand is kept and the status says so.",
        "本次运行所有求解器调用合计可用的秒数（实际经过的时间；先精确求解，再测算边际价值）；"
        "时间用完时保留手上最好的方案，并在状态中说明。",
    ),
    "help_solve_marginal_limit": (
        "Grids whose extra volunteer hour is measured by solving again (each costs one tier planned again).",
        "重新求解以测算“多一小时志愿者时间”效果的网格数（每个网格重新规划一个优先级层）。",
    ),
    "help_solve_force": (
        "Replace OUT if it holds an earlier plan (a folder holding other files is refused).",
        "OUT 中是先前的方案时替换它（有其他文件的文件夹不会被替换）。",
    ),
    "help_verify": (
        "Check the plan in OUT (ours, hand-made or another tool's) against CASE; exit 4 with every violation.",
        "对照 CASE 检查 OUT 中的方案（本工具的、手工做的或其他工具的）；有违规时逐项列出，退出码为 4。",
    ),
    "help_explain": (
        "Say, for one household, what it asked, what it got from which lots, and why.",
        "说明一户住户申请了什么、从哪些批次得到了什么，以及原因。",
    ),
    "help_explain_household": ("The household id to explain.", "要说明的户号。"),
    "help_demo": (
        "Solve the bundled example community: its case goes to OUT/case, the plan and report to OUT/plan.\n\n"
        "Run again, it replaces the demo it wrote before, when OUT holds nothing else and its case files are as the "
        "demo wrote them (--force replaces edited ones too); anything else in OUT stops it, and nothing is deleted.",
        "求解自带的示例社区：案例写入 OUT/case，方案和报告写入 OUT/plan。\n\n"
        "再次运行时，如果 OUT 中没有别的文件，案例文件也和示例写入时一样，就替换先前写入的示例（加 --force 时编辑过的"
        "也替换）；OUT 中有其他内容时停止，不删除任何文件。",
    ),
    "help_demo_force": (
        "Replace OUT's demo files even where they were edited (nothing else).",
        "即使 OUT 中的示例文件被编辑过也替换（不动其他文件）。",
    ),
    "help_sheets": (
        "Write the papers to carry for the plan in PLAN: a page per volunteer and a pick list per grid, to OUT.\n\n"
        "A volunteer's page lists the households to visit in order (by grid, address and household id), what to "
        "bring each and which services to do, with the hours; quarantined households are marked contact-free. A "
        "grid's pick list gives each lot to take from the warehouse, the one that expires first on top. Both are "
        "HTML to print on A4 (volunteers.html, pick-lists.html) and CSV (volunteers.csv, pick-lists.csv). The plan "
        "is verified first.",
        "为 PLAN 中的方案写出随身携带的任务单：每名志愿者一页，每个网格一份拣货单，写入 OUT。\n\n"
        "志愿者任务单按顺序列出要上门的住户（按网格、地址和户号排序）、每户带什么、做哪些服务以及时长；隔离户标为"
        "无接触。网格的拣货单列出要从仓库取的每个批次，最先过期的在最上面。两者都有供 A4 打印的网页（volunteers.html、"
        "pick-lists.html）和 CSV（volunteers.csv、pick-lists.csv）。写出前先校验方案。",
    ),
    "help_sheets_out": ("Output folder for the sheets.", "任务单的输出文件夹。"),
    "help_sheets_with": (
        "Columns of the households table to print on the volunteer pages, such as 地址,电话 (comma-separated); "
        "they appear there and nowhere else. Without it, no contact column is read.",
        "要印在志愿者任务单上的住户表列，如 地址,电话（用逗号分隔）；这些列只出现在任务单上。不加此选项时不读取任何"
        "联系方式列。",
    ),
    "help_sheets_force": (
        "Replace OUT if it holds earlier sheets (a folder holding other files is refused).",
        "OUT 中是先前的任务单时替换它（有其他文件的文件夹不会被替换）。",
    ),
    "help_notice": (
        "Write what donors and the public are told of the plan in PLAN, to OUT: a statement per donor and a notice "
        "per grid to post.\n\n"
        "A donor's page says where their lots went, in units per item, grid and tier (never per household), and "
        "what expired unused: units not given out of lots that expire within 7 days of the plan date; a lot with no "
        "donor stands for itself. A grid's notice lists each household by masked id (first and last character "
        "kept), the tier, the units asked and received, and the rule that decided. Both are HTML to print on A4 "
        "(donors.html, notice.html) and CSV (donors.csv, notice.csv). The plan is verified first.",
        "为 PLAN 中的方案写出给捐赠方的去向说明和供张贴的公示，写入 OUT：每个捐赠方一页，每个网格一页。\n\n"
        "捐赠方的一页按物资、网格和优先层级列出其批次的发放数量（从不列到户），以及过期未用的数量：有效期在计划日期"
        "后 7 天内（含）且未发出的部分；未写捐赠方的批次单独成页。网格公示按隐去部分的户号（只留首尾各一个字符）列出"
        "每户的层级、申请和分得的数量，以及决定分配的规则。两者都有供 A4 打印的网页（donors.html、notice.html）和 "
        "CSV（donors.csv、notice.csv）。写出前先校验方案。",
    ),
    "help_notice_out": ("Output folder for the notice.", "公示的输出文件夹。"),
    "help_notice_force": (
        "Replace OUT if it holds an earlier notice (a folder holding other files is refused).",
        "OUT 中是先前的公示时替换它（有其他文件的文件夹不会被替换）。",
    ),
    "help_round": (
        "Rounds of an operation: plan the next one into a ledger, list them, show or check them.\n\n"
        "OPDIR is the operation's folder: its ledger (ledger.sqlite, unless --db names a database) and one output "
        "folder per round (round-001, a correction round-001-r2).",
        "一次行动的多轮分配：规划下一轮并记入台账，列出各轮，查看或核对。\n\n"
        "OPDIR 是行动文件夹：其中有台账（ledger.sqlite，除非用 --db 指定数据库）和每轮一个输出文件夹（round-001，"
        "更正为 round-001-r2）。",
    ),
    "help_round_plan": (
        "Plan the next round of the operation in OPDIR from CASE: write OPDIR/round-NNN and record it.",
        "用 CASE 规划 OPDIR 中行动的下一轮：写入 OPDIR/round-NNN 并记入台账。",
    ),
    "help_round_list": (
        "List the rounds of the operation in OPDIR, one line each.",
        "列出 OPDIR 中行动的各轮，每轮一行。",
    ),
    "help_round_show": (
        "Show round NUMBER: when, from which inputs (SHA-256), under which policy, its status and outputs.",
        "查看第 NUMBER 轮：何时规划、用了哪些输入（SHA-256）、依据哪份政策，以及方案状态和输出文件。",
    ),
    "help_round_check": (
        "Check the ledger against itself and the output folders in OPDIR; exit 4 if they disagree.",
        "核对台账本身及其与 OPDIR 中各输出文件夹是否一致；不一致时退出码为 4。",
    ),
    "help_round_db": (
        "The ledger's database, e.g. postgresql+psycopg://user@host/db (default: OPDIR/ledger.sqlite). "
        "Environment: ALLOCATE_LEDGER.",
        "台账所在的数据库，如 postgresql+psycopg://用户@主机/数据库（默认：OPDIR/ledger.sqlite）。"
        "也可用环境变量 ALLOCATE_LEDGER 指定。",
    ),
    "help_round_operation": (
        "The operation in the ledger (default: with --db, OPDIR's folder name; else the one in OPDIR's ledger).",
        "台账中的行动名称（默认：用 --db 时为 OPDIR 的文件夹名；否则为 OPDIR 台账中唯一的行动）。",
    ),
    "help_round_correct": (
        "Plan round N again, as a correction: a new record that supersedes its current one (nothing is changed or "
        "deleted).",
        "重新规划第 N 轮，作为更正：新增一条记录取代该轮现有的记录（不修改、不删除任何内容）。",
    ),
    "help_round_note": ("Why (with --correct), kept in the record.", "更正的原因（与 --correct 一起用），记入记录。"),
    "help_round_lang": (
        "Language of what is printed: English or Chinese. Default: the locale's.",
        "显示所用的语言：英文或中文。默认与系统的区域设置相同。",
    ),
    "help_round_all": ("Also the records corrections superseded.", "也列出已被更正取代的记录。"),
    "help_round_revision": (
        "A superseded record of the round (default: current).",
        "该轮某一版已被取代的记录（默认：现行记录）。",
    ),
    "help_round_json": (
        "Print the record as JSON for apps (without its rows).",
        "以 JSON 格式输出记录，供其他程序读取（不含分配和上门明细）。",
    ),
    "help_round_results": (
        "Record what volunteers report for round N's visits, from FILE: the delivery sheet (volunteers.csv of "
        "allocate sheets, CSV or .xlsx) with its result column filled: delivered, not_home, refused or partial "
        "(已送达、不在家、拒收、部分送达), and for partial the units delivered. A visit reported again replaces its "
        "earlier result (which stays in the ledger).",
        "记录第 N 轮各次上门的结果。FILE 是 allocate sheets 生成的任务单 volunteers.csv（CSV 或 .xlsx），"
        "在“结果”列填写已送达、不在家、拒收或部分送达，部分送达时在“实送”列填写实际送达的数量。再次报告的上门以新结果为准"
        "（原结果仍保留在台账中）。",
    ),
    "help_round_results_note": (
        "Why, kept with the results (say so for a correction).",
        "说明（如为更正），与结果一起记录。",
    ),
    "help_round_carry": (
        "Add what the previous round did not deliver (not at home, refused, partly delivered) to CASE's supplies, "
        "as lots with their own ids, expiry and donor.",
        "把上一轮未送达的物资（不在家、拒收、部分送达）加入 CASE 的物资，沿用原批次编号、有效期和捐赠方。",
    ),
    "help_city": (
        "Solve CASE district by district on Dask and write the merged, verified plan to OUT.\n\n"
        "A grid's district is its name up to the first '/' (D03/G001 is in D03), or as --districts says. OUT gets "
        "allocation.csv, visits.csv and city.json (each district's status, time and worker memory).",
        "在 Dask 上逐区求解 CASE，把合并并校验过的方案写入 OUT。\n\n"
        "网格所属的区是网格名中第一个 / 之前的部分（D03/G001 属于 D03），或按 --districts 指定。OUT 中写入 "
        "allocation.csv、visits.csv 和 city.json（各区的方案状态、用时和工作进程内存）。",
    ),
    "help_city_out": ("Folder for the plan.", "方案的输出文件夹。"),
    "help_city_scheduler": (
        "A Dask scheduler's address; default: a LocalCluster started here.",
        "Dask 调度器的地址；默认：在本机启动一组工作进程。",
    ),
    "help_city_workers": ("LocalCluster workers.", "在本机启动的工作进程数。"),
    "help_city_districts": (
        "CSV of grid,district; default: a grid's district is its name up to the first '/'.",
        "网格与区的对应表（CSV，表头为 网格,区 或 'grid,district'）；默认：网格名中第一个 / 之前的部分即为区。",
    ),
    "help_city_time_limit": ("Seconds per district's search.", "每个区求解可用的秒数。"),
    "help_city_lang": (
        "Language of what is printed: English or Chinese. Default: the case's (Chinese file names or headers mean "
        "Chinese).",
        "显示所用的语言：英文或中文。默认与案例相同（文件名或表头是中文即为中文）。",
    ),
    "help_city_force": (
        "Replace OUT if it holds an earlier plan (a folder holding other files is refused).",
        "OUT 中是先前的方案时替换它（有其他文件的文件夹不会被替换）。",
    ),
    # --- a plan read back from its files (allocate.io.plan_files) ---
    "plan_file_missing": ("missing: a plan needs this file", "缺少此文件：方案需要它"),
    "plan_date_unreadable": (
        "cannot read the plan date: {error}",
        "无法读取计划日期：summary.json 应有 plan_date，写作 2026-12-01 这样的日期",
    ),
    # a range rule as `allocate.io.cells.limit` says it, where the bound is one second
    "rule_one_second": ("{op} 1/3600 (one second)", "{op} 1/3600 小时（1 秒）"),
    # --- problems with a case (the English side is the message every file:line:column line gives) ---
    "header_said": ("{header}: {said}", "{header}：{said}"),
    "cell_whole": ("expected a whole number, found {found}", "应为整数，实为 {found}"),
    "cell_whole_digits": (
        "expected a whole number of at most {digits} digits, found {found}",
        "应为不超过 {digits} 位的整数，实为 {found}",
    ),
    "cell_number": ("expected a finite number, found {found}", "应为数字，实为 {found}"),
    "cell_bool": (
        "expected true/false, yes/no, y/n, 1/0 or 是/否, found {found}",
        "应为 是/否（或 true/false、yes/no、1/0），实为 {found}",
    ),
    "cell_date": ("expected a date like 2026-03-01, found {found}", "应为日期，如 2026-03-01，实为 {found}"),
    "cell_real_date": ("expected a date that exists, found {found}", "应为存在的日期，实为 {found}"),
    "cell_urgency": (
        "expected one of critical, high, normal, low (紧急, 高, 普通, 低), found {found}",
        "应为 紧急、高、普通、低 之一，实为 {found}",
    ),
    "cell_list": ("expected a list separated by ;, found {found}", "应为以 ; 分隔的列表，实为 {found}"),
    # a record that breaks a rule of its table though each cell read (allocate.errors.record_said): the English
    # is composed in allocate.io.tables, where {expected} is pydantic's words for a rule without a message here
    "bound_ge": ("expected {noun} >= {bound}, found {found}", "应不小于 {bound}，实为 {found}"),
    "bound_gt": ("expected {noun} > {bound}, found {found}", "应大于 {bound}，实为 {found}"),
    "bound_le": ("expected {noun} <= {bound}, found {found}", "应不大于 {bound}，实为 {found}"),
    "bound_lt": ("expected {noun} < {bound}, found {found}", "应小于 {bound}，实为 {found}"),
    "bound_second": (
        "expected {noun} >= 1/3600 (one second), found {found}",
        "应至少为 1/3600 小时（1 秒），实为 {found}",
    ),
    "zero_or_second": (
        "expected 0, or at least 1/3600 (one second), found {found}",
        "应为 0，或至少 1/3600 小时（1 秒），实为 {found}",
    ),
    "at_least_one": ("expected at least one entry, found {found}", "至少要写一项，实为 {found}"),
    "text_too_long": ("expected {expected}, found {found}", "最多 {most} 个字符，实为 {found}"),
    "list_too_long": ("expected {expected}, found {found}", "最多 {most} 项，实为 {found}"),
    "field_invalid": ("expected {expected}, found {found}", "{found} 不是这一列能填的值：请对照模板的示例检查"),
    "row_invalid": ("{said}", "这一行的值合在一起不成立：请逐列检查"),
    "missing_column": ("missing column {names}", "缺少列 {names}"),
    "cell_tier_ambiguous": (
        "expected one tier's name as policy.toml spells it: this could be {either}, found {found}",
        "应写政策中某一个优先级的名称：{found} 可能是 {either}",
    ),
    "services_without_volunteers": (
        "services need volunteers, but the case has no volunteers table",
        "有上门服务，但案例没有志愿者表",
    ),
    "case_missing": ("the case does not exist", "案例不存在"),
    "case_not_a_case": (
        "the case is neither a folder of CSV tables nor an .xlsx workbook",
        "案例既不是 CSV 表格所在的文件夹，也不是 .xlsx 工作簿",
    ),
    "undecodable": (
        'cannot decode the file: it is neither {utf8} nor {gb}; save it as "CSV UTF-8"',
        "无法识别文件的编码：既不是 {utf8}，也不是 {gb}；请另存为“CSV UTF-8”",
    ),
    "undecodable_latin": (
        'cannot decode the file: it is not UTF-8, and read as GB18030/GBK it gives "{word}" (byte {byte} at '
        "offset {offset}), which is not Chinese",
        "无法识别文件的编码：不是 UTF-8，按 GB18030/GBK 读出“{word}”（偏移 {offset} 处字节 {byte}），不是中文："
        "是否为 Latin-1 或 Windows-1252？请另存为 UTF-8（Excel 中选“CSV UTF-8”）或 GB18030",
    ),
    "undecodable_utf16": (
        "cannot decode the file as UTF-16 (byte offset {offset})",
        "无法按 UTF-16 读取此文件（字节偏移 {offset}）；请重新另存为“Unicode 文本”或“CSV UTF-8”",
    ),
    "looks_utf16": (
        "the file looks like UTF-16 (a UTF-16 mark or a NUL byte at offset {offset})",
        "此文件像是 UTF-16 编码（偏移 {offset} 处有 UTF-16 标记或 NUL 字节）；请另存为“CSV UTF-8”",
    ),
    "cannot_read": ("cannot read the file: {why}", "无法读取文件：{why}"),
    "quote_header": (
        "a double quote opens a header cell here that runs over lines 1-{end}",
        '此处的英文双引号使表头单元格跨越第 1–{end} 行：请在单元格结束处补上引号，单元格内的双引号要写成两个（""）',
    ),
    "quote_spans": (
        "a double quote opens a cell here that runs over lines {start}-{end}",
        "此处的英文双引号使单元格跨越第 {start}–{end} 行，像是引号没有闭合：请在单元格结束处补上引号，单元格内的双引号"
        '要写成两个（""）',
    ),
    "cell_too_long": (
        "a cell here is longer than a table's cell may hold",
        "此处的单元格太长，超出表格单元格的上限",
    ),
    "quote_broken": (
        "a double quote here is not closed where its cell ends",
        '此处的英文双引号没有在单元格结束处闭合：请补上引号，单元格内的双引号要写成两个（""）',
    ),
    "cell_blank": ("expected {noun}, found a blank cell", "必填，不能留空"),
    "beyond_header": (
        "a value beyond the header's {width} columns, found {found}; give its column a header or clear it",
        "表头只有 {width} 列，此处却有值 {found}：请给这一列加表头，或清空它",
    ),
    "beyond_header_comma": (
        "a value beyond the header's {width} columns, found {found}; a cell with a comma in it must be in double "
        "quotes",
        "表头只有 {width} 列，此处却有值 {found}：含逗号的单元格须加英文双引号",
    ),
    "column_twice": (
        '{text}: column is given twice (also as "{first}" in column {at}); keep one',
        "{text}：该列出现了两次（第 {at} 列“{first}”也是它），请只保留一个",
    ),
    "column_meant": (
        "column '{text}' is not a known column of {table}; did you mean {also}?",
        "“{text}”不是{alias}表的列；是否应为 {also}？",
    ),
    "column_ignored": (
        "column '{text}' is not a column of {table}: ignored, never copied into any output",
        "“{text}”不是{alias}表的列：已忽略，不会写入任何输出",
    ),
    "no_lot": ("no lot supplies {item!r}; its needs cannot be met", "没有批次提供“{item}”，这些需求无法满足"),
    "no_skill": ("no volunteer has skill {skill!r}", "没有志愿者具备“{skill}”技能"),
    "unknown_household": ("unknown household {id} (not in households)", "{id} 不在住户表中"),
    "unknown_household_twin": (
        "unknown household {id} (not in households); households has {twin}, which looks the same",
        "{id} 不在住户表中；住户表中有看起来相同的 {twin}",
    ),
    "repeats": ("{id} repeats", "{id} 重复"),
    "workbook_unreadable": (
        "cannot open the workbook ({why}); save it as .xlsx",
        "无法打开工作簿（{why}）；请另存为 .xlsx",
    ),
    "workbook_policy": (
        "the policy of {book}, read from beside it (a workbook holds no policy of its own)",
        "{book} 的政策：读自它旁边的 policy.toml（工作簿本身不含政策）",
    ),
    "listed_workbooks": (
        " (this folder holds {names}: to read a workbook, give its path)",
        "（此文件夹中有工作簿 {names}：读取工作簿请给出它的路径）",
    ),
    "listed_sheets": ("; the workbook's sheets are {names}", "；工作簿中的工作表为 {names}"),
    "listed_no_sheets": ("; the workbook has no sheets", "；工作簿中没有工作表"),
    "table_twice": ("{files} both hold the {table} table; keep one", "{files} 都是{alias}表，请只保留一个"),
    "table_missing_file": (
        "missing the {name} table: expected a .csv file named {name} or {alias}{listed}",
        "缺少{alias}表：应有名为 {alias} 或 {name} 的 .csv 文件{listed}",
    ),
    "table_missing_sheet": (
        "missing the {name} table: expected a sheet named {name} or {alias}{listed}",
        "缺少{alias}表：应有名为 {alias} 或 {name} 的工作表{listed}",
    ),
    "omitted_errors": (
        "and {n} more errors like these from here on, not listed (only the first {limit} are); fix those listed and "
        "check again",
        "此后还有 {n} 处同类错误未列出（只列前 {limit} 处）；请改正已列出的再检查",
    ),
    "omitted_others": (
        "and {n} more like these from here on, not listed (only the first {limit} are)",
        "此后还有 {n} 条同类提示未列出（只列前 {limit} 条）",
    ),
    "invisible_in_id": (
        "{noun} {text} holds invisible or control characters ({chars}), so it is not the {noun} {looks} it looks "
        "like; delete them",
        "{text} 含有看不见的字符或控制字符（{chars}），因此与看起来相同的 {looks} 不是同一个；请删掉这些字符",
    ),
    "invisible_in_id_alone": (
        "{noun} {text} holds invisible or control characters ({chars}); delete them",
        "{text} 含有看不见的字符或控制字符（{chars}）；请删掉这些字符",
    ),
    "lookalike_ids": (
        "{noun} {text} and {noun} {other} look the same but are different (they differ in full-width or other "
        "look-alike characters); write both the same way",
        "{text} 与 {other} 看起来相同，实际不同（全角或形近字符不同）；请写成一样",
    ),
    "formula_id": (
        "{noun} {text} starts with {first}, which spreadsheets read as a formula; better rename it",
        "{text} 以 {first} 开头，电子表格会把它当作公式（allocate 写出时会加 '，读回不变）；最好改名",
    ),
    "policy_big": (
        "the policy is larger than {most} bytes, and a policy is a few thousand: is it the right file?",
        "政策文件超过 {most} 字节，而政策通常只有几千字节：是不是选错了文件？",
    ),
    "policy_unreadable": ("cannot read the policy: {why}", "无法读取政策文件：{why}"),
    "policy_not_utf8": (
        "not UTF-8 (byte offset {offset}); save the policy as UTF-8",
        "不是 UTF-8 编码（字节偏移 {offset}）；请把政策文件另存为 UTF-8",
    ),
    "policy_deep": (
        "nested more than {most} deep in arrays and inline tables; a policy needs at most three",
        "数组和内联表嵌套超过 {most} 层；政策最多只需三层",
    ),
    "policy_not_toml": ("not valid TOML: {why}", "不是有效的 TOML 格式（{why}）：请检查引号、括号和等号"),
    "policy_unknown_key": ("unknown key; allowed: {allowed}", "无法识别的设置；可用的有：{allowed}"),
    "policy_bound": ("expected a number {rule}, found {found}", "应为 {rule} 的数，实为 {found}"),
    "too_many_tiers": (
        "a policy may have at most {most} tiers; this one has {n}",
        "政策最多 {most} 个优先级，此处有 {n} 个",
    ),
    "too_many_clauses": (
        "a tier may have at most {most} clauses; this one has {n}",
        "一个优先级最多 {most} 条子句，此处有 {n} 条",
    ),
    "too_many_entries": (
        "a condition's list may have at most {most} entries; this one has {n}",
        "一个条件的列表最多 {most} 项，此处有 {n} 项",
    ),
    "empty_clause": (
        "a clause needs at least one condition; leave out `when` for a catch-all tier",
        "一条子句至少要有一个条件；兜底的优先级请不写 `when`",
    ),
    "tier_unnamed": ("a tier needs a name", "优先级需要名称"),
    "tier_name_long": (
        "a tier name may have at most {most} characters; this one has {n}",
        "优先级名称最多 {most} 个字符，此处有 {n} 个",
    ),
    "no_tiers": ("the policy needs at least one tier", "政策至少要有一个优先级"),
    "tiers_repeated": ("tier names must be unique; repeated: {names}", "优先级名称不能重复；重复的有：{names}"),
    "last_tier_when": (
        "the last tier ({name}) must have no `when`, so that every need has a tier",
        "最后一个优先级（{name}）不能有 `when`，这样每项需求都有所属的优先级",
    ),
    "early_catch_all": (
        "tier {name} has no `when` and so matches everything; only the last tier may do that",
        "优先级 {name} 没有 `when`，会匹配所有需求；只有最后一个优先级可以这样",
    ),
    "not_a_table": ("not a table of a case: ignored", "不是案例的表格：已忽略"),
    "not_a_table_meant": (
        "not a table of a case, so it is ignored; did you mean {name} ({alias})?",
        "不是案例的表格，已忽略；是否应为 {name}（{alias}）？",
    ),
    "no_header": ("column {n} has no header; its cells are ignored", "第 {n} 列没有表头，该列已忽略"),
    "empty_table": ("the table is empty; expected a header row with {headers}", "表格为空：应有表头行，包含 {headers}"),
    "unknown_tier": (
        "unknown tier {name}; the policy's tiers are {tiers}",
        "未知的优先级 {name}；政策中的优先级为 {tiers}",
    ),
    "lot_expired_warning": (
        "lot {lot} expired on {date} (plan date {day})",
        "批次 {lot} 已于 {date} 过期（计划日期 {day}）",
    ),
    "lot_names_grid": (
        "lot {lot} names grid {grid}, which no household is in (grids are: {grids})",
        "批次 {lot} 限定的网格 {grid} 中没有住户（现有网格：{grids}）",
    ),
    "volunteer_names_grid": (
        "volunteer {id} names grid {grid}, which no household is in (grids are: {grids})",
        "志愿者 {id} 负责的网格 {grid} 中没有住户（现有网格：{grids}）",
    ),
    "grid_uncovered": (
        "no volunteer covers grid {grid}; its households get no deliveries",
        "没有志愿者负责网格 {grid}，该网格的住户无法得到送货上门",
    ),
    # a column the policy reads is absent; English is composed in allocate.io.policy_columns, {effect} here is
    # the Chinese of what that does to the tiers (absent_never, absent_always)
    "absent_urgency": (
        "{alias} has no {column} column: {effect}",
        "{alias}表没有“{column}”列，每项都按“普通”：{effect}",
    ),
    "absent_oldest_age": (
        "{alias} has no {column} column: {effect}",
        "{alias}表没有“{column}”列，年龄一律未知：{effect}",
    ),
    "absent_lives_alone": (
        "{alias} has no {column} column: {effect}",
        "{alias}表没有“{column}”列，没有住户算作独居：{effect}",
    ),
    "absent_disabled": (
        "{alias} has no {column} column: {effect}",
        "{alias}表没有“{column}”列，没有住户算作残疾：{effect}",
    ),
    "absent_chronic_illness": (
        "{alias} has no {column} column: {effect}",
        "{alias}表没有“{column}”列，没有住户算作慢性病：{effect}",
    ),
    "absent_members": (
        "{alias} has no {column} column: {effect}",
        "{alias}表没有“{column}”列，每户按 1 人计：{effect}",
    ),
    "absent_never": ("so {clauses} never hold", "因此{clauses} 永远不成立"),
    "absent_always": ("every row meets the condition in {clauses}", "每一行都满足{clauses}中的条件"),
    "absent_of_tier": ("{clauses} of tier {tier}", "优先级 {tier} 的条件 {clauses}"),
    # --- violations `allocate verify` finds (the English side is composed in allocate.verify and the rules) ---
    "v_plan_date": (
        "the plan is dated {day} but the policy fixes the plan date to {fixed}",
        "方案日期为 {day}，但政策规定计划日期为 {fixed}",
    ),
    "v_unknown_id_no_volunteers": (
        "a visit names volunteer {id}, but the case has no volunteers table",
        "上门记录写了志愿者 {id}，但案例没有志愿者表",
    ),
    "v_unknown_id_need": ("an allocation names need {id}, not in the case", "分配记录中的需求 {id} 不在案例中"),
    "v_unknown_id_lot": ("an allocation names lot {id}, not in the case", "分配记录中的批次 {id} 不在案例中"),
    "v_unknown_id_volunteer": ("a visit names volunteer {id}, not in the case", "上门记录中的志愿者 {id} 不在案例中"),
    "v_unknown_id_household": ("a visit names household {id}, not in the case", "上门记录中的住户 {id} 不在案例中"),
    "v_unknown_id_service": (
        "a service visit names service {id}, not in the case",
        "上门服务记录中的服务 {id} 不在案例中",
    ),
    "v_wrong_household": (
        "service {service} is for household {household} but its visit goes to {went}",
        "服务 {service} 属于住户 {household}，上门却去了 {went}",
    ),
    "v_service_not_whole": (
        "service {service} takes {takes} h but its visit gives {gives} h",
        "服务 {service} 需要 {takes} 小时，上门只安排了 {gives} 小时",
    ),
    "v_service_repeated": (
        "service {service} has {n} visits; a service is done whole by one",
        "服务 {service} 有 {n} 次上门；一项服务只由一人一次做完",
    ),
    "v_visit_not_covering_grid_service": (
        "volunteer {volunteer} does service {service} ({skill}) in a grid they do not cover",
        "志愿者 {volunteer} 在不负责的网格做服务 {service}（{skill}）",
    ),
    "v_service_skill_service": (
        "volunteer {volunteer} does service {service} without its skill {skill}",
        "志愿者 {volunteer} 没有“{skill}”技能，却做服务 {service}",
    ),
    "v_not_designated_service": (
        "volunteer {volunteer} does service {service} ({skill}) at a quarantined household but is not designated",
        "志愿者 {volunteer} 不是防疫专班，却在隔离户做服务 {service}（{skill}）",
    ),
    "v_idle_hours_need": (
        "volunteer {volunteer} has {left} h left, enough for a delivery to household {household}, whose need {need} "
        "of tier {tier} would then receive goods",
        "志愿者 {volunteer} 还剩 {left} 小时，足够给住户 {household} 送货，其优先级 {tier} 的需求 {need} 就能得到物资",
    ),
    "v_idle_hours_service": (
        "volunteer {volunteer} has {left} h left, enough for service {service} of tier {tier} ({takes} h), which is "
        "not done",
        "志愿者 {volunteer} 还剩 {left} 小时，足够做优先级 {tier} 未完成的服务 {service}（{takes} 小时）",
    ),
    "v_visit_inversion_need": (
        "volunteer {volunteer} spends {hours} h on a task of tier {low_tier}; that time would deliver to household "
        "{household}, whose need {need} of tier {tier} would then receive goods",
        "志愿者 {volunteer} 把 {hours} 小时用于优先级 {low_tier} 的任务；这些时间可给住户 {household} 送货，"
        "其优先级 {tier} 的需求 {need} 就能得到物资",
    ),
    "v_visit_inversion_service": (
        "volunteer {volunteer} spends {hours} h on a task of tier {low_tier}; that time would do service {service} "
        "of tier {tier} ({takes} h), which is not done",
        "志愿者 {volunteer} 把 {hours} 小时用于优先级 {low_tier} 的任务；这些时间可做优先级 {tier} 未完成的服务 "
        "{service}（{takes} 小时）",
    ),
    "v_uneven_share_over_rounds": (
        "lot {lot} gives need {need} {got} of {asked} while need {other} of the same tier {tier} has {other_got} of "
        "{other_asked}; counting earlier rounds, {got_all} of {asked_all} against {other_got_all} of "
        "{other_asked_all}: moving units to it shares the tier more evenly over the rounds",
        "批次 {lot} 给需求 {need} {asked} 份中的 {got} 份，而同为优先级 {tier} 的需求 {other} 只有 {other_asked} 份"
        "中的 {other_got} 份；连同往期，分别为 {asked_all} 份中的 {got_all} 份和 {other_asked_all} 份中的 "
        "{other_got_all} 份：移一些给它，各轮累计更平均",
    ),
    "v_uneven_share": (
        "lot {lot} gives need {need} {got} of {asked} while need {other} of the same tier {tier} has {other_got} of "
        "{other_asked}: moving units to it shares the tier more evenly",
        "批次 {lot} 给需求 {need} {asked} 份中的 {got} 份，而同为优先级 {tier} 的需求 {other} 只有 {other_asked} 份"
        "中的 {other_got} 份：移一些给它更平均",
    ),
    "v_waste": (
        "lot {lot} keeps {left} of {item} unused while need {need} of tier {tier}, household {household}, is "
        "eligible and short by {short}",
        "批次 {lot} 剩余 {left} 份{item}未用，而住户 {household} 优先级 {tier} 的需求 {need} 可以领取且还缺 {short} 份",
    ),
    "v_priority_inversion": (
        "lot {lot} gives {moved} of {item} to tiers below {tier} (e.g. need {low} of tier {low_tier}) while need "
        "{need} of tier {tier}, household {household}, is eligible and short by {short}",
        "批次 {lot} 把 {moved} 份{item}给了低于 {tier} 的优先级（如优先级 {low_tier} 的需求 {low}），而住户 "
        "{household} 优先级 {tier} 的需求 {need} 可以领取且还缺 {short} 份",
    ),
    "v_malformed_visit_delivery": (
        "a delivery visit to {household} names service {service}",
        "给住户 {household} 的送货上门写了服务 {service}",
    ),
    "v_malformed_visit_service": (
        "a service visit by {volunteer} to {household} names no service",
        "志愿者 {volunteer} 到住户 {household} 的上门服务没有写明服务",
    ),
    "v_wrong_visit_hours_delivery": (
        "the delivery visit by {volunteer} to {household} takes {takes} h; a delivery takes {should} h",
        "志愿者 {volunteer} 给住户 {household} 的送货用了 {takes} 小时；一次送货应为 {should} 小时",
    ),
    "v_wrong_visit_hours_service": (
        "service {service} takes {takes} h but its visit books {books} h",
        "服务 {service} 需要 {takes} 小时，上门却安排了 {books} 小时",
    ),
    "v_total_fill": (
        "lot {lot} gives to need {need} (asks {asks}) while need {other} of the same tier {tier} (asks {other_asks}) "
        "is short and eligible: moving units raises the tier's total fill",
        "批次 {lot} 发给需求 {need}（申请 {asks} 份），而同为优先级 {tier} 的需求 {other}（申请 {other_asks} 份）"
        "可以领取却缺货：移过去能提高该优先级的总满足率",
    ),
    "v_total_fill_whole": (
        "lot {lot} gives {n} units to all-or-nothing need {need}; need {other} of the same tier {tier} reaches the "
        "same total fill with fewer, leaving units for short need {low} of tier {low_tier}",
        "批次 {lot} 给须整份的需求 {need} 发了 {n} 份；同为优先级 {tier} 的需求 {other} 用更少的份数就能达到同样的"
        "总满足率，省下的可给优先级 {low_tier} 缺货的需求 {low}",
    ),
    "v_wrong_item": (
        "lot {lot} gives {n} to need {need} of another item",
        "批次 {lot} 把 {n} 份发给了物资不同的需求 {need}",
    ),
    "v_expired": (
        "lot {lot} has expired but gives {n} to need {need}",
        "批次 {lot} 已过期，却向需求 {need} 发放 {n} 份",
    ),
    "v_reserved_for": (
        "lot {lot} is earmarked for higher tiers but gives {n} to need {need}",
        "批次 {lot} 定向给更高优先级，却向需求 {need} 发放 {n} 份",
    ),
    "v_grid_limited": (
        "lot {lot} is limited to other grids but gives {n} to need {need}",
        "批次 {lot} 限定其他网格，却向需求 {need} 发放 {n} 份",
    ),
    "v_lot_overdrawn": (
        "lot {lot} gives {n} but holds {held} (over by {over})",
        "批次 {lot} 发出 {n} 份，但只有 {held} 份（超出 {over} 份）",
    ),
    "v_over_asked": (
        "need {need} receives {n} but asks for {asked} (over by {over})",
        "需求 {need} 收到 {n} 份，但只申请了 {asked} 份（多出 {over} 份）",
    ),
    "v_all_or_nothing": (
        "need {need} is all-or-nothing but receives {n} of {asked}",
        "需求 {need} 须整份发放，却只收到 {asked} 份中的 {n} 份",
    ),
    "v_visit_not_covering_grid": (
        "volunteer {volunteer} visits household {household} in grid {grid}, which they do not cover",
        "志愿者 {volunteer} 上门 {grid} 的住户 {household}，但不负责该网格",
    ),
    "v_not_designated": (
        "volunteer {volunteer} visits quarantined household {household} (grid {grid}) but is not designated",
        "志愿者 {volunteer} 上门隔离户 {household}（{grid}），但不是防疫专班志愿者",
    ),
    "v_quarantined_visits_over_cap": (
        "volunteer {volunteer} makes {n} visits to quarantined households; the policy allows {cap}",
        "志愿者 {volunteer} 上门隔离户 {n} 次，政策最多允许 {cap} 次",
    ),
    "v_volunteer_overbooked": (
        "volunteer {volunteer} is given {given} h but offers {offered} h",
        "志愿者 {volunteer} 被安排 {given} 小时，但只能提供 {offered} 小时",
    ),
    "v_no_delivery_visit": (
        "household {household} receives goods but has no delivery visit",
        "住户 {household} 分到物资，却没有送货上门",
    ),
    "v_extra_delivery_visit": (
        "household {household} has {n} delivery visits; it needs exactly one",
        "住户 {household} 有 {n} 次送货上门，只应有一次",
    ),
    "v_empty_delivery_visit": (
        "household {household} receives no goods but has {n} delivery visit(s)",
        "住户 {household} 没有分到物资，却有 {n} 次送货上门",
    ),
    # --- sheets ---
    # `allocate sheets`: volunteers.html / .csv (a page per volunteer) and pick-lists.html / .csv (a page per grid)
    "sheet_volunteers_title": ("Volunteer sheets", "志愿者任务单"),
    "sheet_volunteer_h": ("Volunteer sheet: {id}", "志愿者任务单：{id}"),
    "sheet_grids": ("Grids", "负责网格"),
    "sheet_all_grids": ("all grids", "全部网格"),
    "sheet_skills": ("Skills", "技能"),
    "sheet_no_skills": ("none", "无"),
    "sheet_designated": (
        "epidemic-control team: may visit quarantined households",
        "防疫专班：可上门隔离户",
    ),
    "sheet_hours": ("Hours", "时长"),
    "sheet_hours_of": ("{booked} h booked of {offered} h", "已安排{booked}小时（共{offered}小时）"),
    "sheet_stops": ("Stops", "上门户数"),
    "sheet_collect": ("To collect from the warehouse", "到仓库领取"),
    "sheet_nothing": ("nothing", "无"),
    "sheet_contact_free": ("contact-free: leave at the door", "无接触配送：放在门口"),
    "sheet_goods_line": ("{item} × {n}", "{item} × {n}"),
    "sheet_task_line": ("{skill} ({hours} h)", "{skill}（{hours}小时）"),
    "sheet_private": (
        "Contact details are for these visits only: do not copy or pass them on.",
        "联系方式仅供本次上门使用，请勿复制或外传。",
    ),
    "sheet_signed": ("Signed", "签名"),
    "sheet_date": ("Date", "日期"),
    "sheet_no_volunteers": ("No volunteer has a visit in this plan.", "本方案没有安排志愿者上门。"),
    "sheet_pick_title": ("Pick lists", "拣货单"),
    "sheet_pick_h": ("Pick list: grid {grid}", "拣货单：{grid}"),
    "sheet_pick_sub": ("{units} units for {households} households", "共{units}件，发往{households}户"),
    "sheet_no_picks": ("No goods are given out in this plan.", "本方案没有发放物资。"),
    "sheet_col_stop": ("#", "序号"),
    "sheet_col_household": ("Household", "户号"),
    "sheet_col_grid": ("Grid", "网格"),
    "sheet_col_goods": ("Goods", "物资"),
    "sheet_col_services": ("Services", "服务"),
    "sheet_col_hours": ("Hours", "小时"),
    "sheet_col_done": ("Done", "完成"),
    "sheet_col_expires": ("Expires", "有效期"),
    "sheet_col_item": ("Item", "物资"),
    "sheet_col_lot": ("Lot", "批次"),
    "sheet_col_donor": ("Donor", "捐赠方"),
    "sheet_col_quantity": ("Quantity", "数量"),
    "sheet_col_households": ("Households", "户数"),
    "sheet_col_picked": ("Picked", "已拣"),
    # the CSV files' headers: identifiers in English (as the plan files have), words in Chinese
    "sheet_csv_volunteer": ("volunteer_id", "志愿者"),
    "sheet_csv_stop": ("stop", "顺序"),
    "sheet_csv_household": ("household_id", "户号"),
    "sheet_csv_grid": ("grid", "网格"),
    "sheet_csv_contact_free": ("contact_free", "无接触配送"),
    "sheet_csv_goods": ("goods", "物资"),
    "sheet_csv_services": ("services", "服务"),
    "sheet_csv_hours": ("hours", "时长"),
    "sheet_csv_result": ("result", "结果"),
    "sheet_csv_delivered": ("delivered", "实送"),
    "sheet_csv_night": ("night", "夜间"),
    "sheet_csv_expires": ("expires", "有效期"),
    "sheet_csv_item": ("item", "物资"),
    "sheet_csv_lot": ("lot_id", "批次"),
    "sheet_csv_donor": ("donor", "捐赠方"),
    "sheet_csv_quantity": ("quantity", "数量"),
    "sheet_csv_households": ("households", "户数"),
    "sheet_yes": ("yes", "是"),
    "sheets_written": (
        "sheets written to {folder}: {volunteers} volunteer page(s) and {grids} pick list(s); print {pages}",
        "任务单已写入{folder}：志愿者任务单{volunteers}份，拣货单{grids}份；打印{pages}",
    ),
    # --- notice ---
    # `allocate notice`: donors.html / .csv (a page per donor) and notice.html / .csv (a page per grid, to post)
    "notice_donors_title": ("Where donations went", "捐赠物资去向"),
    "notice_donor_h": ("Where your donation went: {donor}", "捐赠物资去向：{donor}"),
    "notice_lot_h": ("Where lot {lot} went (no donor named)", "批次 {lot} 的去向（未写捐赠方）"),
    "notice_lots": ("Lots", "批次"),
    "notice_totals_h": ("Per item", "按物资汇总"),
    "notice_given_h": ("Given out, by grid and tier", "按网格和优先层级发放"),
    "notice_expired_h": ("Expired unused", "过期未用"),
    "notice_none_given": ("Nothing was given out in this plan.", "本方案未发放。"),
    "notice_none_expired": ("Nothing expired unused.", "没有过期未用的物资。"),
    "notice_no_lots": ("The case has no lots.", "本案例没有物资批次。"),
    "notice_donor_note": (
        "Expired unused: units not given out of lots that expire on or before {limit} (the plan date plus {days} "
        "days), too late for the next round. Kept: units left for the next round. Households are never named here.",
        "过期未用：有效期在 {limit}（计划日期后 {days} 天）或之前、本次未发出的数量，已来不及下一轮发放。"
        "留存：留待下一轮发放的数量。本页不列出任何住户。",
    ),
    "notice_col_donated": ("Donated", "捐赠"),
    "notice_col_given": ("Given out", "已发放"),
    "notice_col_expired": ("Expired unused", "过期未用"),
    "notice_col_kept": ("Kept", "留存"),
    "notice_col_tier": ("Tier", "优先层级"),
    "notice_col_units": ("Units", "数量"),
    "notice_col_asked": ("Asked", "申请"),
    "notice_col_received": ("Received", "分得"),
    "notice_title": ("Public notice of distribution", "物资分配公示"),
    "notice_grid_h": ("Public notice: grid {grid}", "物资分配公示：{grid}"),
    "notice_rule": ("Rule", "分配规则"),
    "notice_rule_leximin": (
        "higher tiers first, then shared evenly within a tier",
        "按优先层级依次满足，同一层级内平均分配",
    ),
    "notice_rule_none": ("higher tiers first", "按优先层级依次满足"),
    "notice_mask_note": (
        "Household ids show only their first and last character; each hidden character is a *.",
        "户号只显示首尾各一个字符，其余每个字符以 * 代替。",
    ),
    "notice_no_needs": ("No household asked for goods in this plan.", "本方案没有住户申领物资。"),
    "notice_kind_given": ("given", "发放"),
    "notice_kind_expired": ("expired unused", "过期未用"),
    "notice_csv_donor": ("donor", "捐赠方"),
    "notice_csv_kind": ("kind", "类别"),
    "notice_csv_item": ("item", "物资"),
    "notice_csv_grid": ("grid", "网格"),
    "notice_csv_tier": ("tier", "优先层级"),
    "notice_csv_lot": ("lot_id", "批次"),
    "notice_csv_expires": ("expires", "有效期"),
    "notice_csv_units": ("units", "数量"),
    "notice_csv_household": ("household", "户号"),
    "notice_csv_asked": ("asked", "申请"),
    "notice_csv_received": ("received", "分得"),
    "notice_csv_rule": ("rule", "分配规则"),
    "notice_written": (
        "notice written to {folder}: {donors} donor page(s) and {grids} grid notice(s); print {pages}",
        "公示已写入{folder}：捐赠去向{donors}页，网格公示{grids}页；打印{pages}",
    ),
    "what_notice": ("the notice", "公示"),
    "cli_notice_broken": (
        "the plan in {plan} does not hold for {case} ({n} violations), so no notice was written; solve again, or "
        "fix the plan (allocate verify lists what it breaks)",
        "{plan} 中的方案不符合 {case}（{n} 处违规），没有写公示；请重新求解，或修正方案（allocate verify 会列出问题）",
    ),
    # --- reserves (allocate.schema.policy.Reserve, allocate.verify): policy problems and violations -------------
    "too_many_reserves": (
        "a policy may have at most {most} reserves; this one has {n}",
        "政策最多 {most} 项预留，此处有 {n} 项",
    ),
    "reserve_amount": (
        "reserve {name} needs exactly one of `units` (whole units) or `share` (a fraction up to 1)",
        "预留 {name} 须且只能写 `units`（整份数）或 `share`（不超过 1 的比例）之一",
    ),
    # --- allocate simulate (allocate.simulate) ---------------------------------------------------------------------
    "sim_policy_each_round": ("each round alone", "每轮单独"),
    "sim_policy_cumulative": ("over rounds", "跨轮累计"),
    "sim_policy_window_3": ("over the last 3 rounds", "最近 3 轮累计"),
    "sim_policy_decay_0_7": ("over rounds, decay 0.7", "跨轮累计，衰减 0.7"),
    "sim_h_policy": ("policy", "政策"),
    "sim_h_tier": ("tier", "优先级"),
    "sim_h_worst": ("worst cumulative fill", "最低累计满足率"),
    "sim_h_gap": ("largest gap", "最大差距"),
    "sim_h_mean": ("mean", "平均"),
    "sim_h_wasted": ("units wasted", "浪费份数"),
    "sim_title": (
        "{rounds} rounds of a community of {households} households (seed {seed}), supplies in waves:",
        "{households} 户社区的 {rounds} 轮分配（随机种子 {seed}），物资分批到达：",
    ),
    "sim_plot_worst": ("Worst cumulative fill, tier {tier}", "最低累计满足率：{tier}"),
    "sim_plot_gap": ("Largest gap between households, tier {tier}", "住户间最大差距：{tier}"),
    "sim_plot_round": ("round", "轮次"),
    "sim_wrote": ("Wrote the simulation's tables and plot to {folder}", "已将模拟的表格和图写入 {folder}"),
    "what_simulation": ("the simulation", "模拟结果"),
    "help_simulate": (
        "Simulate a lockdown of several rounds on a generated community, supplies arriving in waves, and compare "
        "sharing each round alone with fairness over rounds (every round, the last 3, a decay of 0.7): per tier the "
        "worst cumulative fill, the largest gap between households, and the units wasted. Writes simulation.csv, "
        "rounds.csv, supply.csv and simulation.svg to OUT and prints the table.",
        "在一个模拟社区上模拟多轮封控期间的分配（物资分批到达），比较“每轮单独”与“跨轮累计”公平（全部轮次、最近 3 轮、"
        "衰减 0.7）：各优先级的最低累计满足率、住户间最大差距和浪费份数。表格和图写入 OUT，并打印表格。",
    ),
    "help_simulate_households": ("How many households.", "住户数。"),
    "help_simulate_rounds": ("How many rounds (at least 2).", "轮数（至少 2 轮）。"),
    "help_simulate_seed": ("Same seed, same simulation.", "随机种子：种子相同，模拟结果就相同。"),
    "help_simulate_force": ("Replace OUT's earlier simulation files.", "覆盖 OUT 中先前的模拟文件。"),
    # --- fairness over rounds (allocate.schema.policy.OverRounds, Earlier) -----------------------------------------
    "over_rounds_fairness": (
        "fairness over rounds counts earlier rounds in the leximin of a tier: with [over_rounds], `fairness` must be "
        '"leximin"',
        '跨轮次公平是在同一优先级内按累计满足率做 leximin：设置 [over_rounds] 时 `fairness` 必须为 "leximin"',
    ),
    "over_rounds_reserves": (
        "fairness over rounds is not supported together with reserves yet: leave out [over_rounds] or the [[reserves]]",
        "跨轮次公平暂不支持与预留同用：请去掉 [over_rounds] 或 [[reserves]]",
    ),
    "earlier_over": (
        "received ({received}) is more than requested ({requested})",
        "实得量（{received}）多于申请量（{requested}）",
    ),
    "reserve_lot": (
        "reserve {name}: a reserve of one lot (`lot`) is not supported yet; reserve a share of the item instead",
        "预留 {name}：暂不支持预留单个批次（`lot`）；请改为预留该物资的一部分",
    ),
    "reserve_beneficiaries": (
        "reserve {name} needs beneficiaries: a `tier`, or a household trait ({traits})",
        "预留 {name} 需要写明受益者：一个优先级 `tier`，或一项住户特征（{traits}）",
    ),
    "reserves_repeated": ("reserve names must be unique; repeated: {names}", "预留名称不能重复；重复的有：{names}"),
    "reserve_unknown_tier": (
        "reserve {name} names tier {tier}, which the policy does not have; its tiers are {tiers}",
        "预留 {name} 写的优先级 {tier} 在政策中不存在；政策中的优先级为 {tiers}",
    ),
    "reserves_fairness": (
        'reserves are shared by leximin: with reserves, `fairness` must be "leximin" ("none" is not supported '
        "with reserves yet)",
        '预留按 leximin 分配：有预留时 `fairness` 必须为 "leximin"（暂不支持与 "none" 同用）',
    ),
    "v_reserve_exceeded": (
        "lots need {need} of tier {tier}, household {household}, may use give {passed} units of {item} to reserves' "
        "beneficiaries of lower tiers (e.g. need {low} of tier {low_tier}), more than the {held} the reserves it is "
        "not among hold, while it is short by {short}",
        "住户 {household} 优先级 {tier} 的需求 {need} 可以领取的批次，把 {passed} 份{item}给了低优先级的预留受益者"
        "（如优先级 {low_tier} 的需求 {low}），超过了它不在其中的那些预留的 {held} 份，而它还缺 {short} 份",
    ),
    "v_reserve_short": (
        "reserve {reserve} guarantees {held} units of {item} to its beneficiaries, who get {got}, while its "
        "beneficiary need {need} is short by {short} and lot {lot}, which it may use, gives units to need {other}",
        "预留 {reserve} 保障受益者 {held} 份{item}，他们只得到 {got} 份；而受益需求 {need} 还缺 {short} 份，"
        "它可以领取的批次 {lot} 却把物资给了需求 {other}",
    ),
    # --- the ledger of rounds (allocate.ledger, `allocate round`) ---------------------------------------------------
    "ledger_bad_url": (
        "{url} is not a ledger: give a folder, a SQLite file, or a URL sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST/DATABASE",
        "{url} 不是台账：请给出文件夹、SQLite 文件，或网址 sqlite:///路径、postgresql+psycopg://用户@主机/数据库",
    ),
    "ledger_needs_driver": (
        'the ledger {url} is in PostgreSQL, which needs the psycopg driver: pip install "allocate[postgres]"',
        '台账 {url} 在 PostgreSQL 中，需要 psycopg 驱动：pip install "allocate[postgres]"',
    ),
    "ledger_cannot_open": (
        "cannot open the ledger {url}: {why}; check the path or URL, and that the database is running",
        "无法打开台账 {url}：{why}；请检查路径或网址，以及数据库是否在运行",
    ),
    "ledger_too_new": (
        "this ledger was written by a newer allocate (schema {revision}; this one knows up to {known}); it is left "
        "unchanged: upgrade allocate to use it",
        "此台账由更新版本的 allocate 写入（结构版本 {revision}；本版本只认识到 {known}）；台账未作任何改动：请升级 "
        "allocate 后再使用",
    ),
    "ledger_none_here": (
        "there is no ledger at {where}: plan a round there first (allocate round plan)",
        "{where} 没有台账：请先在此规划一轮（allocate round plan）",
    ),
    "ledger_no_operation": (
        "the ledger {url} has no operation {name}",
        "台账 {url} 中没有名为 {name} 的行动",
    ),
    "ledger_which_operation": (
        "this ledger holds several operations ({names}): name one (--operation)",
        "此台账中有多个行动（{names}）：请指明其中一个（--operation）",
    ),
    "ledger_no_round": ("operation {operation} has no round {number}", "行动 {operation} 没有第 {number} 轮"),
    "ledger_round_taken": (
        "another process recorded a round of this operation at the same moment, so this one was not recorded; "
        "run it again",
        "另一进程同时记录了本行动的一轮，因此这一轮没有记录；请重新运行",
    ),
    "ledger_needs_out": (
        "this operation has no folder for its rounds' outputs: give the output folder",
        "此行动没有存放各轮输出的文件夹：请指定输出文件夹",
    ),
    "ledger_folder_taken": (
        "{folder} holds the outputs of a recorded round; they are never replaced: choose another folder",
        "{folder} 存有已记录的一轮的输出，不会被替换：请另选文件夹",
    ),
    "round_note_alone": (
        "--note says why a round is corrected: give it with --correct N",
        "--note 用于说明更正的原因：请与 --correct N 一起使用",
    ),
    "round_busy": (
        "another round is being planned in {opdir} now; wait for it to finish",
        "{opdir} 中正在规划另一轮；请等它完成",
    ),
    "round_recorded": (
        "recorded {line}\noutputs in {folder}; ledger {ledger}",
        "已记录 {line}\n输出在 {folder}；台账 {ledger}",
    ),
    "round_difference": (
        "round {number} (revision {revision}) changes the published plan for {households} (goods of {goods}, "
        "visits of {visits}); each change in {file}",
        "第 {number} 轮（第 {revision} 版）较已发布方案变动 {households}（物资 {goods} 户，上门 {visits} 户）；"
        "逐户明细见 {file}",
    ),
    "round_none": ("operation {operation} has no rounds yet", "行动 {operation} 还没有任何一轮"),
    "round_line": (
        "round {number}{revision}: {date}, {status}, {allocations} allocations ({units} units), {visits} visits, "
        "plan {digest}, in {folder}{superseded}",
        "第 {number} 轮{revision}：{date}，{status}，分配 {allocations} 条（{units} 份），上门 {visits} 次，"
        "方案 {digest}，在 {folder}{superseded}",
    ),
    "round_revision": (" (revision {n})", "（第 {n} 版）"),
    "round_superseded": (" [superseded by a correction]", "［已被更正取代］"),
    "round_show_recorded": ("recorded at {at} by allocate {version}", "记录时间 {at}，allocate {version}"),
    "round_show_note": ("why corrected: {note}", "更正原因：{note}"),
    "round_show_termination": ("search ended: {reason}", "求解结束原因：{reason}"),
    "round_show_policy": ("policy SHA-256 {sha}", "政策 SHA-256 {sha}"),
    "round_show_input": ("input  {name}  SHA-256 {sha}", "输入  {name}  SHA-256 {sha}"),
    "round_show_output": ("output {name}  SHA-256 {sha}", "输出  {name}  SHA-256 {sha}"),
    "round_show_digests": (
        "plan SHA-256 {plan}; record SHA-256 {record}",
        "方案 SHA-256 {plan}；记录 SHA-256 {record}",
    ),
    "round_check_ok": (
        "the ledger is consistent: {n} rounds of {operation}, each whole, with its output files",
        "台账一致：行动 {operation} 共 {n} 轮，每轮完整，输出文件齐全",
    ),
    "ledger_check_digest": (
        "round {number} revision {revision}: its rows do not match its plan digest",
        "第 {number} 轮第 {revision} 版：记录的行与方案摘要不符",
    ),
    "ledger_check_rows_missing": (
        "round {number} revision {revision}: rows missing",
        "第 {number} 轮第 {revision} 版：缺少记录的行",
    ),
    "ledger_check_result_rows": (
        "round {number} revision {revision}: results batch {batch} has rows missing",
        "第 {number} 轮第 {revision} 版：第 {batch} 批送达结果缺少记录的行",
    ),
    "ledger_check_no_outputs": (
        "round {number} revision {revision}: no output files recorded",
        "第 {number} 轮第 {revision} 版：没有记录输出文件",
    ),
    "ledger_check_numbers": ("round numbers are not 1..{n}: {numbers}", "轮次编号不是 1..{n}：{numbers}"),
    "ledger_check_revisions": ("round {number}: revisions are not 1..{n}", "第 {number} 轮：版本号不是 1..{n}"),
    "ledger_check_current": ("round {number}: {n} current records", "第 {number} 轮：现行记录有 {n} 条（应为 1 条）"),
    "ledger_check_folder_missing": (
        "round {number}: output folder {folder} is missing",
        "第 {number} 轮：输出文件夹 {folder} 不存在",
    ),
    "ledger_check_files_changed": (
        "round {number}: the files in {folder} are not those recorded",
        "第 {number} 轮：{folder} 中的文件与记录的不同",
    ),
    "round_check_failed": (
        "the ledger and the output folders disagree in {n} places (above)",
        "台账与输出文件夹有 {n} 处不一致（见上）",
    ),
    # --- results of a round's visits (allocate.ledger.results, allocate round results) ---
    "results_missing_columns": (
        "the results file lacks the columns {columns}: give the delivery sheet (volunteers.csv) with its result "
        "column filled",
        "结果文件缺少列 {columns}：请提交填好“结果”列的任务单（volunteers.csv）",
    ),
    "results_empty": (
        "no visit has a result: fill the result column (delivered, not_home, refused, partial)",
        "没有任何上门填写了结果：请填写“结果”列（已送达、不在家、拒收、部分送达）",
    ),
    "results_unreadable": ("cannot read the results file: {why}", "无法读取结果文件：{why}"),
    "results_unknown_word": (
        'result "{word}" is not one of {known}',
        "结果“{word}”无法识别，应为 {known} 之一",
    ),
    "results_units_unreadable": (
        'cannot read the units delivered "{text}": write them as the goods column does, e.g. rice × 2; oil × 1',
        "无法读取实送数量“{text}”：请按物资列的写法填写，如 大米 × 2；食用油 × 1",
    ),
    "results_no_visit": (
        "round {number}'s plan has no visit of volunteer {volunteer} to household {household}",
        "第 {number} 轮的方案中没有志愿者 {volunteer} 到住户 {household} 的上门",
    ),
    "results_twice": (
        "this visit is reported already (line {line}): report each visit once",
        "此次上门已在第 {line} 行报告过：每次上门只报告一次",
    ),
    "results_item_not_planned": (
        "{item} was not planned for this visit (planned: {planned})",
        "此次上门没有计划送 {item}（计划：{planned}）",
    ),
    "results_above_planned": (
        "{units} units of {item} delivered, but {planned} were planned",
        "{item} 实送 {units} 份，超过计划的 {planned} 份",
    ),
    "results_partial_needs_units": (
        "partly delivered: say the units delivered in the delivered column (planned: {planned})",
        "部分送达：请在“实送”列填写实际送达的数量（计划：{planned}）",
    ),
    "results_night_word": (
        'night "{text}" is not yes or no (是/否; blank is no)',
        "夜间：应为“是”或“否”（空白即否），实为“{text}”",
    ),
    "round_results_recorded": (
        "recorded results {batch} of round {number}: {visits} visits ({delivered} delivered, {not_home} not at "
        "home, {refused} refused, {partial} partly delivered); {units} of {planned} units delivered, {left} back "
        "to stock; {open} visits not reported yet",
        "已记录第 {number} 轮的第 {batch} 批结果：上门 {visits} 次（已送达 {delivered}，不在家 {not_home}，"
        "拒收 {refused}，部分送达 {partial}）；送达 {units}/{planned} 份，{left} 份退回库存；尚有 {open} 次上门未报告",
    ),
    "round_results_refused": (
        "nothing recorded: {n} problems in the results file (above)",
        "未记录任何结果：结果文件中有 {n} 处问题（见上）",
    ),
    # allocate round credit: volunteers' service-hour credit (allocate.ledger.credit)
    "help_round_credit": (
        "Write each volunteer's service-hour credit for the confirmed visits of the operation in OPDIR (all rounds, "
        "or --round N): credit.csv, organisations.csv (totals per organisation) and credit.html, a printable "
        "statement per volunteer. Hours times the visit's weights (kind, quarantined household, night), rounded to "
        "the step of the policy's [credit] section.",
        "按行动 OPDIR 中已确认的上门，为每位志愿者计算服务时长积分（全部轮次，或 --round N）：写出 credit.csv、"
        "organisations.csv（各组织合计）和 credit.html（每位志愿者一页，可打印）。积分为小时数乘以上门的权重"
        "（类别、隔离户、夜间），按政策 [credit] 规定的步长四舍五入。",
    ),
    "help_round_credit_round": ("Only round N (default: every round).", "只计算第 N 轮（默认：全部轮次）。"),
    "help_round_credit_out": (
        "Folder to write credit.csv, organisations.csv and credit.html into (default: OPDIR/credit, or "
        "OPDIR/credit-NNN for one round); replaced if it holds only those files.",
        "写出 credit.csv、organisations.csv 和 credit.html 的文件夹（默认：OPDIR/credit，单轮为 OPDIR/credit-NNN）；"
        "若其中只有这些文件则替换。",
    ),
    "round_credit_written": (
        "credit of rounds {rounds}: {volunteers} volunteers, {hours} hours, {credits} credits; {open} visits not "
        "reported yet; in {folder}",
        "第 {rounds} 轮的志愿服务积分：志愿者 {volunteers} 人，{hours} 小时，{credits} 积分；尚有 {open} 次上门未报告；"
        "写入 {folder}",
    ),
    "round_credit_organisation": (
        "  {name}: {volunteers} volunteers, {visits} visits, {hours} hours, {credits} credits",
        "  {name}：志愿者 {volunteers} 人，上门 {visits} 次，{hours} 小时，{credits} 积分",
    ),
    "credit_no_organisation": ("(no organisation)", "（未填组织）"),
    "credit_title": ("Service-hour credit · {operation}", "志愿服务时长积分 · {operation}"),
    "credit_organisations_h": ("Totals per organisation", "各组织合计"),
    "credit_col_organisation": ("Organisation", "组织"),
    "credit_col_volunteers": ("Volunteers", "志愿者人数"),
    "credit_col_visits": ("Visits", "上门次数"),
    "credit_organisation": ("Organisation: {name}", "所属组织：{name}"),
    "credit_quarantined": ("quarantined household", "隔离户"),
    "credit_night": ("at night", "夜间"),
    "credit_volunteer_h": ("Volunteer {id}: service-hour statement", "志愿者 {id}：服务时长积分单"),
    "credit_meta": ("Operation {operation}, rounds {rounds}", "行动 {operation}，第 {rounds} 轮"),
    "credit_total": (
        "{visits} visits credited, {hours} hours given, {credits} credits",
        "计入上门 {visits} 次，服务 {hours} 小时，积分 {credits}",
    ),
    "credit_col_round": ("Round", "轮次"),
    "credit_col_household": ("Household", "户号"),
    "credit_col_grid": ("Grid", "网格"),
    "credit_col_kind": ("Visit", "上门"),
    "credit_col_result": ("Result", "结果"),
    "credit_col_hours": ("Hours", "小时"),
    "credit_col_weight": ("Weight", "权重"),
    "credit_col_credits": ("Credits", "积分"),
    "credit_kind_delivery": ("delivery", "送货"),
    "credit_kind_service": ("service", "服务"),
    "credit_outcome_delivered": ("delivered", "已送达"),
    "credit_outcome_partial": ("partly delivered", "部分送达"),
    "credit_outcome_not_home": ("not at home (trip made)", "不在家（已跑一趟）"),
    "credit_outcome_refused": ("refused (trip made)", "拒收（已跑一趟）"),
    "credit_rule_note": (
        "Credits are hours times the visit's weight (that of its kind, times the policy's weights for a quarantined "
        "household or a visit at night), rounded half up to the policy's step; visits count when their results are "
        "recorded.",
        "积分为小时数乘以上门的权重（上门类别的权重，隔离户、夜间上门再乘以政策规定的相应权重），按政策规定的步长"
        "四舍五入；上门结果登记后方计入。",
    ),
    "credit_signed": ("Confirmed by", "确认人"),
    "credit_none": ("No confirmed visits yet.", "尚无已确认的上门。"),
    "ledger_no_previous_round": (
        "there is no round before round {number} to carry stock from",
        "第 {number} 轮之前没有可结转库存的一轮",
    ),
    # --- allocate round and allocate city (allocate.ledger.command, allocate.city.command) ---
    "status_word_optimal": ("optimal", "最佳"),
    "status_word_feasible": ("feasible", "可行"),
    "termination_proven": ("proven", "已证明最佳"),
    "termination_heuristic": ("heuristic", "由快速规则决定"),
    "termination_time_limit": ("time_limit", "精确求解超时"),
    "termination_size_limit": ("size_limit", "超出精确求解的规模"),
    "city_districts_columns": (
        "{path} must have the columns grid and district",
        "{path} 须有 网格 和 区 两列（或 'grid' 和 'district'）",
    ),
    "city_summary": ("{districts} districts, {households} households", "共 {districts} 个区，{households} 户"),
    "city_part": (
        "  {district}: {households} households, {status}, solve {seconds} s, verify {verified}, worker peak {mib} MiB",
        "  {district}：{households} 户，{status}，求解 {seconds} 秒，校验{verified}，工作进程内存峰值 {mib} MB",
    ),
    "city_part_ok": ("ok", "通过"),
    "city_part_failed": ("FAILED", "未通过"),
    "city_seconds": ("{step} {seconds} s", "{step} {seconds} 秒"),
    "city_step_split": ("split", "拆分"),
    "city_step_probe": ("probe", "试算"),
    "city_step_master": ("master", "分配共用物资"),
    "city_step_parts": ("parts", "各区求解"),
    "city_step_return": ("return", "再分配余量"),
    "city_step_merge": ("merge", "合并"),
    "city_step_verify": ("verify", "校验"),
    "city_step_aggregate": ("aggregate", "汇总"),
    "city_findings": (
        "the merged plan is feasible, but the verifier finds {n} places (above) where it could still be evened "
        "out across districts (docs/city.md)",
        "合并后的方案可行，但校验发现 {n} 处（见上）本可在各区之间分得更均衡（见 docs/city.md）",
    ),
    "city_written": ("wrote {out}", "已写入 {out}"),
}

UNPAIRED_FIELDS: Final[dict[str, frozenset[str]]] = {
    "raised_by_hand": frozenset({"tier"}),  # English says the tier just before ("tier: elderly, because ...")
    "column_ignored": frozenset({"table", "alias"}),  # each language names the table as its files do
    "table_twice": frozenset({"table", "alias"}),
    "column_meant": frozenset({"table", "alias"}),
    "cell_blank": frozenset({"noun"}),  # Chinese says a blank required cell must be filled, whatever its kind
    # English names the kind of id; Chinese leaves it to the column header the problem is placed at
    "invisible_in_id": frozenset({"noun"}),
    "invisible_in_id_alone": frozenset({"noun"}),
    "lookalike_ids": frozenset({"noun"}),
    "formula_id": frozenset({"noun"}),
    # Chinese leaves the kind of a cell to its header, and names a rule by its number, not by pydantic's words
    "bound_ge": frozenset({"noun"}),
    "bound_gt": frozenset({"noun"}),
    "bound_le": frozenset({"noun"}),
    "bound_lt": frozenset({"noun"}),
    "bound_second": frozenset({"noun"}),
    "text_too_long": frozenset({"expected", "most"}),
    "list_too_long": frozenset({"expected", "most"}),
    "field_invalid": frozenset({"expected"}),
    "row_invalid": frozenset({"said"}),
    "os_error": frozenset({"why", "code"}),
    "usage_no_command": frozenset({"commands"}),  # Chinese lists the commands there are
    "plan_date_unreadable": frozenset({"error"}),  # Python's words in English; Chinese says what is expected
}
"""Fields one language leaves out on purpose, per message; every other message takes the same fields in both."""

UNITS_AFTER_NUMBERS: Final[frozenset[Lang]] = frozenset({"zh"})
"""Languages that name an item without the unit in its brackets and put the unit after each number ("大米" and
"3袋" for the item "大米(袋)"); English keeps the item's own name and gives bare numbers."""

_DEFAULT_TIERS = frozenset({"critical", "vulnerable", "elderly", "general"})


def message(key: str, lang: Lang, **fields: object) -> str:
    """The message `key` in `lang`, with its `{fields}` filled in (values are inserted as given: escape after)."""
    en, zh = MESSAGES[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def default_tier(name: str, lang: Lang) -> str | None:
    """The name of the default policy's tier `name` in `lang` (SPEC section 2), or None for a tier of the planner's."""
    return message(f"default_tier_{name}", lang) if name in _DEFAULT_TIERS else None


def count(noun: str, n: int, lang: Lang) -> str:
    """`n` of `noun` (households, needs, lots, volunteers, services) in words: `1 household`, `2,000 households`."""
    return message(f"count_{noun}_1", lang) if n == 1 else message(f"count_{noun}_n", lang, n=f"{n:,}")


def tier_label(name: str, lang: Lang) -> str:
    """A tier's name as the report shows it: a translated default tier keeps the name files use, `危急（critical）`."""
    shown = default_tier(name, lang)
    return name if shown is None or shown == name else message("tier_glossed", lang, gloss=shown, name=name)
