"""Performance and operations: the 8 daily reporting tables of the plant floor.

SCADA shift rows and machine faults come from genims_operational_db; work orders, operator bookings, changeovers,
downtime events, inspections and defects from genims_mes_db; NCRs from genims_qms_db; attendance, safety incidents
and training from genims_hcm_db; maintenance work orders, PM schedules, history and costs from genims_cmms_db; the
names of factories, lines, machines, products and shifts from genims_master_db. The SQL of each table says how it
reads them; the transformations below join the per-database results on the grain and add the measures that combine
them.

Days are UTC calendar days. SCADA figures count a shift on the day its row is stamped (the shift's last second, so
the night shift 22:00-06:00 on the day it ends); MES bookings and HCM attendance count on the day of clock-in (the
night shift on the day it starts). The wide shift columns morning/afternoon/night are the shifts shift_a/b/c of
master.shifts; a general shift, or a booking without a shift, is only in the day totals.
"""

from __future__ import annotations

import json

import pandas as pd

from genims_assets.defs.reporting.spec import DAILY, Control, ReportingTable, Window
from genims_assets.defs.reporting.tables._common import (
    UNASSIGNED,
    as_dates,
    as_int,
    bounded,
    grain_ids,
    outer,
    pct,
    ratio,
    zero_fill,
)

GRAIN_MACHINE = ["machine_id", "report_date"]
GRAIN_LINE = ["line_id", "report_date"]
GRAIN_FACTORY = ["factory_id", "report_date"]
GRAIN_PRODUCT = ["product_id", "factory_id", "report_date"]
SHIFT_PREFIXES = {"shift_a": "morning", "shift_b": "afternoon", "shift_c": "night"}
LINE_NAMES = ["line_id", "line_name", "factory_id", "factory_name"]


def nullable_int(values: pd.Series) -> pd.Series:
    """Whole numbers as Python ints, None where undefined (an INT column that may be NULL)."""
    return values.round().astype("Int64").astype("object").where(values.notna(), None)


def in_window(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Only the rows whose report_date is a day of the window."""
    return frame[frame["report_date"].isin(set(window.days()))].copy()


def split_by_shift(frame: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """Adds <morning|afternoon|night>_<measure>: the measure on rows of that shift (column `shift`), else 0."""
    for shift in SHIFT_PREFIXES.values():
        for measure in measures:
            frame[f"{shift}_{measure}"] = frame[measure].where(frame["shift"] == shift, 0)
    return frame


def shift_columns(measures: list[str]) -> list[str]:
    return [f"{shift}_{measure}" for shift in SHIFT_PREFIXES.values() for measure in measures]


def shift_of(rows: pd.DataFrame, shifts: pd.DataFrame) -> pd.Series:
    """morning / afternoon / night for the rows' shift_id (master shift_name shift_a/b/c), else ''."""
    names = shifts.dropna(subset=["shift_id"]).drop_duplicates("shift_id").set_index("shift_id")["shift_name"]
    return rows["shift_id"].map(names).map(SHIFT_PREFIXES).fillna("")


# -- machine_performance_daily -----------------------------------------------------------------------------------------
def machine_performance_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    scada = as_dates(frames["operational"], "report_date")
    downtime = as_dates(frames["mes"], "report_date")
    df = outer([scada, downtime], GRAIN_MACHINE)
    df = zero_fill(
        df,
        [
            "planned_production_minutes",
            "runtime_minutes",
            "units_produced",
            "units_rejected",
            "ideal_seconds",
            "energy_kwh",
            "scada_samples",
            "failure_count",
            "fault_repair_minutes",
            "downtime_minutes",
        ],
    )
    df = df.merge(frames["master"], on="machine_id", how="left")
    df["uptime_minutes"] = (df["planned_production_minutes"] - df["downtime_minutes"]).clip(lower=0)
    df["availability_pct"] = pct(df["runtime_minutes"], df["planned_production_minutes"])
    df["performance_pct"] = pct(df["ideal_seconds"], df["runtime_minutes"] * 60)
    df["units_good"] = df["units_produced"] - df["units_rejected"]
    df["quality_pct"] = pct(df["units_good"], df["units_produced"])
    df["oee_pct"] = df["availability_pct"] * df["performance_pct"] * df["quality_pct"] / 10000
    df["scrap_rate_pct"] = pct(df["units_rejected"], df["units_produced"])
    df["mtbf_hours"] = ratio(df["runtime_minutes"] / 60, df["failure_count"])
    df["mttr_minutes"] = ratio(df["fault_repair_minutes"], df["failure_count"])
    return df.drop(columns=["ideal_seconds"])


# -- production_summary_daily -----------------------------------------------------------------------------------------
PRODUCTION_SUMS = [
    "planned_units",
    "actual_units",
    "rejected_units",
    "good_units",
    "labor_hours",
    "standard_labor_hours",
    "overtime_hours",
    "standard_cost",
    "material_cost",
    "labor_cost",
    "overhead_cost",
    "work_orders_active",
    "work_orders_completed",
    "scrapped_units",
    "rework_units",
    "setup_hours",
    "changeover_count",
    "changeover_hours",
]
PRODUCTION_BY_SHIFT = ["planned_units", "actual_units", "good_units", "labor_hours"]
PRODUCTION_COUNTS = [
    "planned_units",
    "actual_units",
    "good_units",
    "rejected_units",
    "scrapped_units",
    "rework_units",
    "work_orders_active",
    "work_orders_completed",
    "changeover_count",
    *[c for c in shift_columns(PRODUCTION_BY_SHIFT) if not c.endswith("labor_hours")],
]


def plan_by_shift(plan: pd.DataFrame, hours: pd.DataFrame) -> pd.DataFrame:
    """Planned units per clock hour -> the production shift holding the hour, on the day that shift starts."""
    plan = plan.drop(columns=["shift_id"]).merge(
        hours[["line_id", "plan_hour", "shift_name", "previous_day"]], on=["line_id", "plan_hour"], how="left"
    )
    plan["shift"] = plan.pop("shift_name").map(SHIFT_PREFIXES).fillna("")
    back = plan.pop("previous_day").astype("boolean").fillna(False).astype(int)
    plan["report_date"] = (pd.to_datetime(plan["report_date"]) - pd.to_timedelta(back, unit="D")).dt.date
    return plan


def production_summary_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    master = frames["master"]
    mes = as_dates(frames["mes"], "report_date")
    is_plan = mes["plan_hour"].notna()
    bookings = mes[~is_plan].copy()
    bookings["shift"] = shift_of(bookings, master)
    rows = pd.concat([bookings, plan_by_shift(mes[is_plan], master)], ignore_index=True)
    rows = zero_fill(in_window(grain_ids(rows, ["line_id"]), window), PRODUCTION_SUMS)
    rows["good_units"] = rows["actual_units"] - rows["rejected_units"]
    per_shift = rows.groupby([*GRAIN_LINE, "shift"], as_index=False)[PRODUCTION_SUMS].sum()
    per_shift["planned_units"] = per_shift["planned_units"].round()
    per_shift = split_by_shift(per_shift, PRODUCTION_BY_SHIFT)
    df = per_shift.groupby(GRAIN_LINE, as_index=False)[PRODUCTION_SUMS + shift_columns(PRODUCTION_BY_SHIFT)].sum()
    df = df[df[PRODUCTION_SUMS].ne(0).any(axis=1)]
    df = df.merge(master[LINE_NAMES].drop_duplicates("line_id"), on="line_id", how="left")
    df["plan_attainment_pct"] = bounded(pct(df["actual_units"], df["planned_units"]))
    df["yield_pct"] = pct(df["good_units"], df["actual_units"])
    df["actual_cost"] = df["material_cost"] + df["labor_cost"] + df["overhead_cost"]
    df["cost_variance"] = df["actual_cost"] - df["standard_cost"]
    df["cost_variance_pct"] = bounded(pct(df["cost_variance"], df["standard_cost"]))
    return as_int(df, PRODUCTION_COUNTS)


# -- downtime_summary_daily -------------------------------------------------------------------------------------------
DOWNTIME_CATEGORIES = ("mechanical", "electrical", "hydraulic", "pneumatic", "control", "quality")
PLANNED_DOWNTIME = ("planned", "changeover")  # planned maintenance and changeovers
DOWNTIME_EVENT_SUMS = [
    "downtime_minutes",
    "events_in_day",
    "incident_count",
    "production_loss_units",
    "downtime_cost",
    "resolved_count",
    "resolved_minutes",
]
CATEGORY_MINUTES = [f"{c}_downtime_minutes" for c in (*DOWNTIME_CATEGORIES, "other")]
TOP_CODES = 5


def spread_line_stops(events: pd.DataFrame, machines: pd.DataFrame) -> pd.DataFrame:
    """Line-wide stops (machine_id NULL) given to every machine of their line.

    Each machine stood still and lost the units the line lost, so minutes, events and lost units go to every one
    of them as they are; the cost is shared among them to the cent (the sum stays the event's cost; the odd cents
    go to the first machines by id). A stop of a line without machines stays on machine UNASSIGNED.
    """
    line_wide = events["machine_id"].isna()
    stops = events[line_wide].drop(columns=["machine_id"]).reset_index(drop=True)
    stops["stop"] = stops.index
    members = machines[["machine_id", "line_id"]].dropna().sort_values("machine_id")
    stops = stops.merge(members, on="line_id", how="left")
    stops["machine_id"] = stops["machine_id"].fillna(UNASSIGNED)
    cents = (stops["downtime_cost"] * 100).round()
    share = stops.groupby("stop")["machine_id"].transform("size")
    extra = (stops.groupby("stop").cumcount() < cents % share).astype(int)
    stops["downtime_cost"] = ((cents // share) + extra) / 100
    return pd.concat([events[~line_wide], stops.drop(columns=["stop"])], ignore_index=True)


def top_failure_codes(events: pd.DataFrame) -> pd.DataFrame:
    """Per machine and day: the code with the most downtime minutes, and the top 5 as JSON."""
    codes = events.groupby([*GRAIN_MACHINE, "reason_code"], as_index=False).agg(
        description=("reason_description", "first"),
        events=("events_in_day", "sum"),
        minutes=("downtime_minutes", "sum"),
    )
    codes = codes[codes["minutes"] > 0].sort_values(
        [*GRAIN_MACHINE, "minutes", "reason_code"], ascending=[True, True, False, True]
    )
    codes = codes.groupby(GRAIN_MACHINE).head(TOP_CODES)
    codes["entry"] = [
        {"code": code, "description": text if isinstance(text, str) else None, "events": int(n), "minutes": round(m, 3)}
        for code, text, n, m in codes[["reason_code", "description", "events", "minutes"]].itertuples(index=False)
    ]
    return codes.groupby(GRAIN_MACHINE, as_index=False).agg(
        top_failure_code=("reason_code", "first"), top_failure_codes=("entry", lambda e: json.dumps(list(e)))
    )


def downtime_by_machine(events: pd.DataFrame) -> pd.DataFrame:
    """Minutes by category bucket and the event counts, per machine and day."""
    category = events["downtime_category"]
    bucket = category.where(category.isin(DOWNTIME_CATEGORIES), "other")
    for name in (*DOWNTIME_CATEGORIES, "other"):
        events[f"{name}_downtime_minutes"] = events["downtime_minutes"].where(bucket == name, 0.0)
    events["planned_downtime_minutes"] = events["downtime_minutes"].where(category.isin(PLANNED_DOWNTIME), 0.0)
    return events.groupby(GRAIN_MACHINE, as_index=False)[
        DOWNTIME_EVENT_SUMS + CATEGORY_MINUTES + ["planned_downtime_minutes"]
    ].sum()


def downtime_summary_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    machines = frames["master"]
    events = zero_fill(as_dates(frames["mes"], "report_date"), DOWNTIME_EVENT_SUMS)
    events = spread_line_stops(events, machines)
    faults = as_dates(frames["operational"], "report_date")
    df = outer([downtime_by_machine(events), faults], GRAIN_MACHINE)
    df = zero_fill(
        df,
        [
            *DOWNTIME_EVENT_SUMS,
            *CATEGORY_MINUTES,
            "planned_downtime_minutes",
            "fault_count",
            "critical_fault_count",
            "runtime_minutes",
        ],
    )
    df = df.merge(top_failure_codes(events), on=GRAIN_MACHINE, how="left")
    df = df.merge(machines, on="machine_id", how="left")
    df["unplanned_downtime_minutes"] = df["downtime_minutes"] - df["planned_downtime_minutes"]
    df["mtbf_hours"] = ratio(df["runtime_minutes"] / 60, df["incident_count"])
    df["mttr_minutes"] = ratio(df["resolved_minutes"], df["resolved_count"])
    df = as_int(df, ["incident_count", "fault_count", "critical_fault_count", "production_loss_units"])
    return df.drop(columns=["events_in_day", "resolved_count", "resolved_minutes"])


# -- quality_summary_daily --------------------------------------------------------------------------------------------
QUALITY_SUMS = [
    "inspections_count",
    "inspections_failed",
    "units_inspected",
    "sample_defects",
    "units_defective",
    "critical_defects",
    "major_defects",
    "minor_defects",
    "scrap_units",
    "scrap_cost",
    "rework_cost",
    "ncr_count",
    "ncr_rework_cost",
    "ncr_scrap_cost",
    "sorting_cost",
]


def quality_summary_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    rows = pd.concat(
        [as_dates(frames["mes"], "report_date"), as_dates(frames["qms"], "report_date")], ignore_index=True
    )
    rows = zero_fill(grain_ids(rows, ["product_id", "factory_id"]), QUALITY_SUMS)
    df = rows.groupby(GRAIN_PRODUCT, as_index=False)[QUALITY_SUMS].sum()
    names = frames["master"]
    products = names[["product_id", "product_name", "product_category"]].drop_duplicates("product_id")
    factories = names[["factory_id", "factory_name"]].drop_duplicates("factory_id")
    df = df.merge(products, on="product_id", how="left").merge(factories, on="factory_id", how="left")
    df["scrap_units"] = df["scrap_units"].round()
    df["rework_units"] = df["units_defective"] - df["scrap_units"]
    df["defect_rate_pct"] = bounded(pct(df["sample_defects"], df["units_inspected"]))
    df["defect_ppm"] = ratio(df["sample_defects"], df["units_inspected"], 1_000_000)
    df["rework_cost"] = df["rework_cost"] + df["ncr_rework_cost"]
    df["scrap_cost"] = df["scrap_cost"] + df["ncr_scrap_cost"]
    df["cost_of_poor_quality"] = df["rework_cost"] + df["scrap_cost"] + df["sorting_cost"]
    counts = [
        "inspections_count",
        "inspections_failed",
        "units_inspected",
        "sample_defects",
        "units_defective",
        "ncr_count",
    ]
    df = as_int(df, [*counts, "critical_defects", "major_defects", "minor_defects", "scrap_units", "rework_units"])
    return df.drop(columns=["ncr_rework_cost", "ncr_scrap_cost"])


# -- labor_efficiency_daily -------------------------------------------------------------------------------------------
LABOR_SUMS = [
    "employees_scheduled",
    "employees_present",
    "late_arrivals",
    "scheduled_hours",
    "worked_hours",
    "regular_hours",
    "overtime_hours",
    "direct_labor_hours",
    "standard_hours",
    "units_produced",
    "labor_cost",
    "overtime_cost",
]
LABOR_BY_SHIFT = [
    "scheduled_hours",
    "worked_hours",
    "overtime_hours",
    "units_produced",
    "standard_hours",
    "direct_labor_hours",
]


def labor_efficiency_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    master = frames["master"]
    rows = pd.concat(
        [as_dates(frames["mes"], "report_date"), as_dates(frames["hcm"], "report_date")], ignore_index=True
    )
    rows = zero_fill(grain_ids(rows, ["factory_id"]), LABOR_SUMS)
    rows["shift"] = shift_of(rows, master)
    rows = split_by_shift(rows, LABOR_BY_SHIFT)
    df = rows.groupby(GRAIN_FACTORY, as_index=False)[LABOR_SUMS + shift_columns(LABOR_BY_SHIFT)].sum()
    df = df.merge(master[["factory_id", "factory_name"]].drop_duplicates("factory_id"), on="factory_id", how="left")
    df["attendance_pct"] = pct(df["employees_present"], df["employees_scheduled"])
    df["overtime_pct"] = bounded(pct(df["overtime_hours"], df["worked_hours"]))
    df["units_per_labor_hour"] = ratio(df["units_produced"], df["direct_labor_hours"])
    df["efficiency_pct"] = bounded(pct(df["standard_hours"], df["direct_labor_hours"]))
    df["utilization_pct"] = bounded(pct(df["direct_labor_hours"], df["worked_hours"]))
    for shift in SHIFT_PREFIXES.values():
        earned, booked = df.pop(f"{shift}_standard_hours"), df.pop(f"{shift}_direct_labor_hours")
        df[f"{shift}_efficiency_pct"] = bounded(pct(earned, booked))
    units = [f"{shift}_units_produced" for shift in SHIFT_PREFIXES.values()]
    return as_int(df, ["employees_scheduled", "employees_present", "late_arrivals", "units_produced", *units])


# -- energy_consumption_daily -----------------------------------------------------------------------------------------
def energy_consumption_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    df = zero_fill(
        grain_ids(as_dates(frames["operational"], "report_date"), ["line_id"]),
        ["machines_reporting", "energy_kwh", "non_productive_kwh", "units_produced", "hours_covered"],
    )
    df = df.merge(frames["master"][LINE_NAMES].drop_duplicates("line_id"), on="line_id", how="left")
    df["average_kw"] = ratio(df["energy_kwh"], df.pop("hours_covered"))
    df["kwh_per_unit"] = ratio(df["energy_kwh"], df["units_produced"])
    df["tariff_per_kwh"] = window.energy_tariff_per_kwh
    df["energy_cost"] = df["energy_kwh"] * window.energy_tariff_per_kwh
    return as_int(df, ["machines_reporting", "units_produced"])


# -- safety_compliance_daily ------------------------------------------------------------------------------------------
LTIFR_HOURS, TRIR_HOURS = 1_000_000, 200_000  # exposure bases: per million hours; per 100 workers a year
SAFETY_COUNTS = [
    "incident_count",
    "near_miss_count",
    "minor_incidents",
    "moderate_incidents",
    "serious_incidents",
    "fatal_incidents",
    "lost_time_incidents",
    "recordable_incidents",
    "days_away_from_work",
    "training_completions",
    "employees_trained",
]


def safety_compliance_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    df = grain_ids(as_dates(frames["hcm"], "report_date"), ["factory_id"])
    rolling = ["lost_time_incidents_12m", "recordable_incidents_12m", "hours_worked_12m"]
    df = zero_fill(df, [*SAFETY_COUNTS, *rolling, "hours_worked", "training_hours"])
    df = df.merge(frames["master"].drop_duplicates("factory_id"), on="factory_id", how="left")
    df["ltifr"] = ratio(df["lost_time_incidents"] * LTIFR_HOURS, df["hours_worked"])
    df["trir"] = ratio(df["recordable_incidents"] * TRIR_HOURS, df["hours_worked"])
    df["ltifr_rolling_12m"] = ratio(df.pop("lost_time_incidents_12m") * LTIFR_HOURS, df["hours_worked_12m"])
    df["trir_rolling_12m"] = ratio(df.pop("recordable_incidents_12m") * TRIR_HOURS, df.pop("hours_worked_12m"))
    df["days_since_lost_time_incident"] = nullable_int(pd.to_numeric(df["days_since_lost_time_incident"]))
    return as_int(df, SAFETY_COUNTS)


# -- maintenance_performance_daily ------------------------------------------------------------------------------------
MAINTENANCE_COUNTS = [
    "pm_due_count",
    "pm_completed_on_time",
    "work_orders_created",
    "work_orders_completed",
    "preventive_work_orders",
    "corrective_work_orders",
    "predictive_work_orders",
    "backlog_work_orders",
    "failure_count",
]


def maintenance_performance_daily(frames: dict[str, pd.DataFrame], window: Window) -> pd.DataFrame:
    df = zero_fill(
        as_dates(frames["cmms"], "report_date"),
        [
            *MAINTENANCE_COUNTS,
            "backlog_hours",
            "labor_cost",
            "parts_cost",
            "other_cost",
            "downtime_hours",
            "operating_hours",
            "repairs_completed",
            "repair_hours",
        ],
    )
    df = df.merge(frames["master"].drop_duplicates("factory_id"), on="factory_id", how="left")
    df["pm_compliance_pct"] = pct(df["pm_completed_on_time"], df["pm_due_count"])
    planned_or_repair = df["preventive_work_orders"] + df["corrective_work_orders"]
    df["preventive_share_pct"] = pct(df["preventive_work_orders"], planned_or_repair)
    df["maintenance_cost"] = df["labor_cost"] + df["parts_cost"] + df["other_cost"]
    df["mtbf_hours"] = ratio(df["operating_hours"], df["failure_count"])
    df["mttr_hours"] = ratio(df.pop("repair_hours"), df.pop("repairs_completed"))
    return as_int(df, MAINTENANCE_COUNTS)


TABLES = [
    ReportingTable(
        name="machine_performance_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "operational.scada_machine_data",
            "operational.machine_faults",
            "mes.downtime_events",
            "master.machines",
            "master.production_lines",
            "master.factories",
        ),
        description=(
            "One row per machine and UTC day. Availability = runtime / planned production time (SCADA uptime / "
            "(uptime + downtime) seconds); performance = ideal time (target cycle time x parts produced) / runtime; "
            "quality = good parts / parts produced; OEE = availability x performance x quality. Downtime = minutes "
            "of MES downtime events overlapping the day; uptime = planned - downtime. MTBF = runtime hours / faults "
            "starting that day; MTTR = fault repair minutes / faults. Energy kWh = SUM(average kW x 8 h) of the "
            "shift rows. Scrap rate = rejected / produced."
        ),
        transform=machine_performance_daily,
        date_column="report_date",
        percent_columns=("availability_pct", "performance_pct", "quality_pct", "oee_pct", "scrap_rate_pct"),
        nonnegative_columns=(
            "units_produced",
            "units_rejected",
            "units_good",
            "runtime_minutes",
            "downtime_minutes",
            "energy_kwh",
            "planned_production_minutes",
        ),
        required_columns=("machine_id", "units_produced", "runtime_minutes", "energy_kwh"),
        control=Control(column="units_produced", source="operational"),
    ),
    ReportingTable(
        name="production_summary_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "mes.work_orders",
            "mes.work_order_operations",
            "mes.labor_transactions",
            "mes.changeover_events",
            "master.production_lines",
            "master.factories",
            "master.shifts",
        ),
        description=(
            "One row per production line and UTC day, with morning/afternoon/night (shift_a/b/c) columns. Actual "
            "units = quantity_produced and rejected units = quantity_rejected of the line operators' bookings "
            "(mes.labor_transactions, one per production run and shift) on the day of clock-in; good = actual - "
            "rejected; yield = good / actual. Planned units = planned_quantity of each work order's final operation "
            "spread evenly over the hours of its planned start-end in which the line works (books labour; hours "
            "after its last booking count as worked), each hour counted in the shift holding it, on the day the "
            "shift starts; plan attainment = actual / planned. Labour, standard and overtime hours = "
            "actual_hours, standard_hours and overtime_hours of the bookings. Work orders active = orders booked in "
            "the day; completed = orders whose actual_end_time falls in it, with their scrapped and rework "
            "quantities. Setup hours = actual_setup_time_minutes / 60 of operations started in the day; changeover "
            "hours and count = mes.changeover_events started in the day. Standard cost = good units x the order's "
            "standard_cost_per_unit; labour cost = labor_cost + overtime_cost of the bookings; material and overhead "
            "cost = the order's total_material_cost (over its produced, or while smaller its planned, quantity) and "
            "total_overhead_cost (over its produced quantity) x the units booked; actual cost = material + labour + "
            "overhead; cost variance = actual - standard cost, and as a % of standard cost."
        ),
        transform=production_summary_daily,
        date_column="report_date",
        percent_columns=("yield_pct",),
        nonnegative_columns=(
            "planned_units",
            "actual_units",
            "good_units",
            "rejected_units",
            "labor_hours",
            "setup_hours",
            "changeover_hours",
            "standard_cost",
            "actual_cost",
        ),
        required_columns=("line_id", "actual_units", "planned_units", "labor_hours", "actual_cost"),
        control=Control(column="actual_units", source="mes"),
    ),
    ReportingTable(
        name="downtime_summary_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "mes.downtime_events",
            "operational.machine_faults",
            "operational.scada_machine_data",
            "master.machines",
            "master.production_lines",
            "master.factories",
        ),
        description=(
            "One row per machine and UTC day. Downtime minutes = minutes of the MES downtime events overlapping "
            "the day (each event cut at midnight), split by downtime_category into mechanical, electrical, "
            "hydraulic, pneumatic, control, quality and other (changeover, material, operator, planned ...); "
            "planned = planned maintenance + changeover, unplanned = downtime - planned. A line-wide event "
            "(machine_id NULL) stops every machine of its line and counts for each: minutes, incidents and lost "
            "units in full, its estimated cost shared equally to the cent. Incidents, production loss units and "
            "downtime cost (estimated_cost) are of the events starting in the day. Faults = operational "
            "machine_faults starting in the day (critical = fault_severity critical). Runtime = SCADA uptime of the "
            "machine's shift rows stamped in the day; MTBF = runtime hours / incidents; MTTR = average "
            "duration_minutes of the events resolved in the day. Top failure codes = the reason codes (else the "
            "category) with the most downtime minutes in the day, up to 5, with description, events and minutes."
        ),
        transform=downtime_summary_daily,
        date_column="report_date",
        nonnegative_columns=(
            "downtime_minutes",
            "planned_downtime_minutes",
            "unplanned_downtime_minutes",
            *CATEGORY_MINUTES,
            "runtime_minutes",
            "downtime_cost",
            "production_loss_units",
        ),
        required_columns=("machine_id", "downtime_minutes", "incident_count", "runtime_minutes"),
        control=Control(column="downtime_cost", source="mes"),
    ),
    ReportingTable(
        name="quality_summary_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "mes.quality_inspections",
            "mes.defects",
            "mes.work_orders",
            "qms.ncr_headers",
            "master.products",
            "master.factories",
        ),
        description=(
            "One row per product, factory (of the work order; for NCRs the detection_location) and UTC day. "
            "Inspections = MES quality inspections of the day, failed = inspection_result fail, units inspected = "
            "their sample_size, sample defects = the defective units found in those samples (defects_found). Defect "
            "rate = sample defects / units inspected x 100 and ppm = x 1,000,000: the sampled rate, comparable day "
            "to day. Units defective = quantity_affected of the MES defects detected in the day: every defective "
            "unit recorded, in a sample or not. Critical/major/minor = defect records by "
            "defect_severity. Scrap units = each defect's quantity x its work order's scrapped / rejected quantity "
            "(customer-found defects: none); rework units = defective - scrap. NCRs = qms.ncr_headers detected in "
            "the day. Rework and scrap cost = those of the defects plus those of the NCRs; sorting cost = the NCRs'; "
            "cost of poor quality = rework + scrap + sorting cost. Supplier NCRs have no product (UNASSIGNED)."
        ),
        transform=quality_summary_daily,
        date_column="report_date",
        nonnegative_columns=(
            "units_inspected",
            "units_defective",
            "scrap_units",
            "rework_units",
            "rework_cost",
            "scrap_cost",
            "sorting_cost",
            "cost_of_poor_quality",
        ),
        required_columns=("product_id", "factory_id", "units_inspected", "units_defective", "cost_of_poor_quality"),
        control=Control(column="units_defective", source="mes"),
    ),
    ReportingTable(
        name="labor_efficiency_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "mes.labor_transactions",
            "mes.work_orders",
            "hcm.attendance_records",
            "hcm.employees",
            "master.factories",
            "master.shifts",
        ),
        description=(
            "One row per factory and UTC day, with morning/afternoon/night (shift_a/b/c) columns. From HCM "
            "attendance (the employee's primary factory, attendance_date): employees scheduled = records, present "
            "= actual_hours > 0, attendance = present / scheduled, late arrivals = late_minutes > 0, scheduled / "
            "worked (actual) / regular / overtime hours, overtime % = overtime / worked hours. From the MES "
            "operator bookings (the work order's factory, day of clock-in): direct labour hours = actual_hours, "
            "standard (earned) hours, units produced, labour and overtime cost. Units per labour hour = units / "
            "direct hours; efficiency = standard / direct hours; utilization = direct / worked hours (HCM holds a "
            "subset of the workforce, so it can pass 100). Shift efficiency = the shift's standard / direct hours."
        ),
        transform=labor_efficiency_daily,
        date_column="report_date",
        percent_columns=("attendance_pct", "overtime_pct"),
        nonnegative_columns=(
            "scheduled_hours",
            "worked_hours",
            "overtime_hours",
            "direct_labor_hours",
            "standard_hours",
            "units_produced",
            "labor_cost",
        ),
        required_columns=("factory_id", "worked_hours", "direct_labor_hours", "units_produced"),
        control=Control(column="worked_hours", source="hcm"),
    ),
    ReportingTable(
        name="energy_consumption_daily",
        group="operations",
        cadence=DAILY,
        sources=("operational.scada_machine_data", "master.production_lines", "master.factories"),
        description=(
            "One row per production line and UTC day of the SCADA shift rows (stamped at the shift's end). Energy "
            "kWh = SUM over the line's machines of the increase of the meter energy_consumed_kwh since the "
            "machine's previous reading (= average power_consumption_kw x 8 h of each shift row). Non-productive "
            "kWh = power_consumption_kw x the hours of the 8-hour shift the machine was not running (8 h - uptime), "
            "an estimate at the shift's average power. Peak kW = the highest sum of the machines' power at one "
            "reading time; average kW = kWh / (8 h x reading times). Units = SUM over reading times of the largest "
            "parts_produced_shift of the line's machines (every unit passes every machine); kWh per unit = kWh / "
            "units. Energy cost = kWh x tariff (ENERGY_TARIFF_PER_KWH, default INR 8.00 per kWh)."
        ),
        transform=energy_consumption_daily,
        date_column="report_date",
        nonnegative_columns=("energy_kwh", "non_productive_kwh", "peak_kw", "average_kw", "units_produced"),
        required_columns=("line_id", "energy_kwh", "units_produced", "energy_cost"),
        control=Control(column="energy_kwh", source="operational"),
    ),
    ReportingTable(
        name="safety_compliance_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "hcm.safety_incidents",
            "hcm.training_enrollments",
            "hcm.training_schedules",
            "hcm.attendance_records",
            "hcm.employees",
            "master.factories",
        ),
        description=(
            "One row per factory and UTC day. Incidents = hcm.safety_incidents of the day (factory of the "
            "incident, else of its employee), by incident_type near_miss and by severity minor/moderate/serious/"
            "fatal; lost-time = days_away_from_work > 0; recordable = osha_recordable. Hours worked = actual_hours "
            "of the attendance records of the factory's employees (exposure hours). LTIFR = lost-time incidents x "
            "1,000,000 / hours worked; TRIR = recordable incidents x 200,000 / hours worked; the rolling 12-month "
            "rates use the incidents and hours of the 365 days ending the day. Days since the last lost-time "
            "incident on or before the day (NULL when none on record). Training hours = attendance_hours of the "
            "enrollments attended on the day (factory of the session, else of the employee), employees trained = "
            "distinct attendees, completions = enrollments completed on the day."
        ),
        transform=safety_compliance_daily,
        date_column="report_date",
        nonnegative_columns=(
            "incident_count",
            "lost_time_incidents",
            "recordable_incidents",
            "hours_worked",
            "ltifr",
            "trir",
            "training_hours",
        ),
        required_columns=("factory_id", "incident_count", "hours_worked", "training_hours"),
        control=Control(column="incident_count", source="hcm"),
    ),
    ReportingTable(
        name="maintenance_performance_daily",
        group="operations",
        cadence=DAILY,
        sources=(
            "cmms.work_orders",
            "cmms.pm_schedules",
            "cmms.maintenance_history",
            "cmms.maintenance_costs",
            "cmms.maintenance_assets",
            "master.factories",
        ),
        description=(
            "One row per maintenance asset in service (active, commissioned) and UTC day. PM compliance = PM work "
            "orders (generated from cmms.pm_schedules) due that day (scheduled_end_date; cancelled ones count as "
            "missed) completed by their due date / those due. Work orders created (requested_date) and completed "
            "(actual_end_date); the created ones as predictive (wo_type or source predictive), preventive (from a "
            "PM schedule or wo_type preventive/inspection) or corrective (corrective and breakdown repairs); "
            "preventive share = preventive / (preventive + corrective). Backlog = work orders requested by the end "
            "of the day, not cancelled and not yet completed, with their estimated_duration_hours. Costs = "
            "cmms.maintenance_costs of the day by cost_type: labor, parts, other (contractor, equipment rental, "
            "other); maintenance cost = their sum. Downtime hours and failures (events with a failure code) = "
            "cmms.maintenance_history of the day; operating hours = 24 h - downtime hours; MTBF = operating hours / "
            "failures; MTTR = actual_duration_hours of the repairs (corrective, breakdown) completed that day / "
            "their number."
        ),
        transform=maintenance_performance_daily,
        date_column="report_date",
        percent_columns=("pm_compliance_pct", "preventive_share_pct"),
        nonnegative_columns=(
            "backlog_work_orders",
            "backlog_hours",
            "labor_cost",
            "parts_cost",
            "other_cost",
            "maintenance_cost",
            "downtime_hours",
            "operating_hours",
        ),
        required_columns=("asset_id", "maintenance_cost", "backlog_work_orders", "operating_hours"),
        control=Control(column="maintenance_cost", source="cmms"),
    ),
]
