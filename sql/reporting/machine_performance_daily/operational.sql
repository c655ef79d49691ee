-- machine_performance_daily, genims_operational_db part: per machine and day (UTC) of the window.
-- SCADA writes one row per machine and worked shift (see genims_assets/synthetic/operational.py):
--   planned = uptime + downtime seconds, runtime = uptime, ideal time = target cycle x parts.
-- Faults are counted on the day they start; warning faults (no stop) count with 0 repair time.
WITH scada AS (
    SELECT machine_id,
           "timestamp"::date AS report_date,
           SUM(COALESCE(uptime_seconds_shift, 0) + COALESCE(downtime_seconds_shift, 0)) / 60.0 AS planned_production_minutes,
           SUM(COALESCE(uptime_seconds_shift, 0)) / 60.0 AS runtime_minutes,
           SUM(COALESCE(parts_produced_shift, 0)) AS units_produced,
           SUM(COALESCE(parts_rejected_shift, 0)) AS units_rejected,
           SUM(COALESCE(target_cycle_time_seconds, 0) * COALESCE(parts_produced_shift, 0)) AS ideal_seconds,
           SUM(COALESCE(power_consumption_kw, 0) * 8) AS energy_kwh,
           AVG(target_cycle_time_seconds) AS target_cycle_time_seconds,
           AVG(actual_cycle_time_seconds) FILTER (WHERE parts_produced_shift > 0) AS avg_cycle_time_seconds,
           COUNT(*) AS scada_samples
    FROM scada_machine_data
    WHERE "timestamp" >= %(start)s AND "timestamp" < %(end)s
    GROUP BY machine_id, "timestamp"::date
),
faults AS (
    SELECT machine_id,
           fault_start_time::date AS report_date,
           COUNT(*) AS failure_count,
           SUM(COALESCE(fault_duration_seconds, 0)) / 60.0 AS fault_repair_minutes
    FROM machine_faults
    WHERE fault_start_time >= %(start)s AND fault_start_time < %(end)s
    GROUP BY machine_id, fault_start_time::date
)
SELECT COALESCE(s.machine_id, f.machine_id) AS machine_id,
       COALESCE(s.report_date, f.report_date) AS report_date,
       COALESCE(s.planned_production_minutes, 0) AS planned_production_minutes,
       COALESCE(s.runtime_minutes, 0) AS runtime_minutes,
       COALESCE(s.units_produced, 0) AS units_produced,
       COALESCE(s.units_rejected, 0) AS units_rejected,
       COALESCE(s.ideal_seconds, 0) AS ideal_seconds,
       COALESCE(s.energy_kwh, 0) AS energy_kwh,
       s.target_cycle_time_seconds,
       s.avg_cycle_time_seconds,
       COALESCE(s.scada_samples, 0) AS scada_samples,
       COALESCE(f.failure_count, 0) AS failure_count,
       COALESCE(f.fault_repair_minutes, 0) AS fault_repair_minutes
FROM scada s
FULL OUTER JOIN faults f ON f.machine_id = s.machine_id AND f.report_date = s.report_date
