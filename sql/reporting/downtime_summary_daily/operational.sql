-- downtime_summary_daily, genims_operational_db part: per machine and day (UTC), the machine faults starting in
-- the day (all, and those of fault_severity 'critical') and the minutes running (SCADA uptime_seconds_shift of
-- the shift rows stamped in the day), the denominator of MTBF.
WITH faults AS (
    SELECT machine_id, fault_start_time::date AS report_date,
           COUNT(*) AS fault_count,
           COUNT(*) FILTER (WHERE fault_severity = 'critical') AS critical_fault_count
    FROM machine_faults
    WHERE fault_start_time >= %(start)s AND fault_start_time < %(end)s
    GROUP BY machine_id, fault_start_time::date
),
scada AS (
    SELECT machine_id, "timestamp"::date AS report_date,
           SUM(COALESCE(uptime_seconds_shift, 0)) / 60.0 AS runtime_minutes
    FROM scada_machine_data
    WHERE "timestamp" >= %(start)s AND "timestamp" < %(end)s
    GROUP BY machine_id, "timestamp"::date
)
SELECT COALESCE(s.machine_id, f.machine_id) AS machine_id,
       COALESCE(s.report_date, f.report_date) AS report_date,
       COALESCE(f.fault_count, 0) AS fault_count,
       COALESCE(f.critical_fault_count, 0) AS critical_fault_count,
       COALESCE(s.runtime_minutes, 0) AS runtime_minutes
FROM scada s
FULL OUTER JOIN faults f ON f.machine_id = s.machine_id AND f.report_date = s.report_date
