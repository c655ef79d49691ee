"""Performance and operations: the 8 daily reporting tables of the plant floor."""

from __future__ import annotations

import pandas as pd

from genims_assets.defs.reporting.spec import DAILY, Control, ReportingTable, Window
from genims_assets.defs.reporting.tables._common import as_dates, outer, pct, ratio, zero_fill

GRAIN_MACHINE = ["machine_id", "report_date"]


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
]
