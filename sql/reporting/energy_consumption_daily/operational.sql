-- energy_consumption_daily, genims_operational_db part: per production line and day (UTC) of the SCADA shift rows
-- (one per machine and worked shift, stamped at the shift's last second):
--   energy = increase of each machine's cumulative meter energy_consumed_kwh since its previous reading (a first
--            reading with none in the 31 days before: its power_consumption_kw x 8 h);
--   non-productive energy = power_consumption_kw x the hours of the 8-hour shift the machine was not running
--            (8 h - uptime_seconds_shift), an estimate at the shift's average power;
--   peak kW = the highest sum of power_consumption_kw over the line's machines at one reading time;
--   hours covered = 8 h per distinct reading time of the line; units = SUM over reading times of
--            MAX(parts_produced_shift) over the machines (every unit passes every machine of a line).
WITH readings AS (
    SELECT machine_id,
           line_id,
           "timestamp",
           COALESCE(power_consumption_kw, 0) AS power_kw,
           COALESCE(uptime_seconds_shift, 0) AS uptime_seconds,
           COALESCE(parts_produced_shift, 0) AS parts,
           energy_consumed_kwh
               - LAG(energy_consumed_kwh) OVER (PARTITION BY machine_id ORDER BY "timestamp") AS meter_increase
    FROM scada_machine_data
    WHERE "timestamp" >= %(start)s - interval '31 days' AND "timestamp" < %(end)s
),
in_window AS (
    SELECT machine_id, line_id, "timestamp", power_kw, parts,
           COALESCE(meter_increase, power_kw * 8) AS kwh,
           power_kw * GREATEST(28800 - uptime_seconds, 0) / 3600.0 AS idle_kwh
    FROM readings
    WHERE "timestamp" >= %(start)s
),
per_reading AS (
    SELECT line_id, "timestamp", SUM(power_kw) AS line_kw, MAX(parts) AS line_units
    FROM in_window
    GROUP BY line_id, "timestamp"
),
per_day_reading AS (
    SELECT line_id, "timestamp"::date AS report_date,
           MAX(line_kw) AS peak_kw,
           SUM(line_units) AS units_produced,
           COUNT(*) * 8.0 AS hours_covered
    FROM per_reading
    GROUP BY line_id, "timestamp"::date
),
per_day AS (
    SELECT line_id, "timestamp"::date AS report_date,
           COUNT(DISTINCT machine_id) AS machines_reporting,
           SUM(kwh) AS energy_kwh,
           SUM(idle_kwh) AS non_productive_kwh
    FROM in_window
    GROUP BY line_id, "timestamp"::date
)
SELECT d.line_id, d.report_date, d.machines_reporting, d.energy_kwh, d.non_productive_kwh,
       r.peak_kw, r.units_produced, r.hours_covered
FROM per_day d
JOIN per_day_reading r ON r.line_id = d.line_id AND r.report_date = d.report_date
