-- downtime_summary_daily, genims_mes_db part: per machine (machine_id NULL = a line-wide stop, which the transform
-- gives to every machine of the line), day, category and reason code, three kinds of figures:
--  * minutes of the events overlapping the day, each event cut to the day(s) it overlaps, and how many overlap;
--  * events starting in the day: count, production_loss_units and estimated_cost;
--  * events resolved in the day (resolved_at, else downtime_end): count and duration_minutes.
WITH events AS (
    SELECT machine_id,
           line_id,
           downtime_category,
           COALESCE(downtime_reason_code, downtime_category) AS reason_code,
           downtime_reason_description,
           downtime_start,
           COALESCE(downtime_end, downtime_start + make_interval(mins => COALESCE(duration_minutes, 0))) AS downtime_stop,
           COALESCE(resolved_at, downtime_end) AS resolved_time,
           COALESCE(duration_minutes, 0) AS duration_minutes,
           COALESCE(production_loss_units, 0) AS production_loss_units,
           COALESCE(estimated_cost, 0) AS estimated_cost
    FROM downtime_events
    WHERE downtime_start < %(end)s
      AND (COALESCE(downtime_end, downtime_start + make_interval(mins => COALESCE(duration_minutes, 0))) > %(start)s
           OR downtime_start >= %(start)s
           OR resolved_at >= %(start)s)
),
overlap AS (
    SELECT e.machine_id, e.line_id, e.downtime_category, e.reason_code,
           d.day::date AS report_date,
           SUM(EXTRACT(EPOCH FROM (LEAST(e.downtime_stop, d.day + interval '1 day') - GREATEST(e.downtime_start, d.day)))
               / 60.0) AS downtime_minutes,
           COUNT(*) AS events_in_day,
           MIN(e.downtime_reason_description) AS reason_description
    FROM events e
    CROSS JOIN LATERAL generate_series(
        date_trunc('day', GREATEST(e.downtime_start, %(start)s)),
        date_trunc('day', LEAST(e.downtime_stop, %(end)s - interval '1 microsecond')),
        interval '1 day'
    ) AS d(day)
    WHERE e.downtime_stop > %(start)s AND e.downtime_stop > e.downtime_start
    GROUP BY e.machine_id, e.line_id, e.downtime_category, e.reason_code, d.day
),
started AS (
    SELECT machine_id, line_id, downtime_category, reason_code, downtime_start::date AS report_date,
           COUNT(*) AS incident_count,
           SUM(production_loss_units) AS production_loss_units,
           SUM(estimated_cost) AS downtime_cost,
           MIN(downtime_reason_description) AS reason_description
    FROM events
    WHERE downtime_start >= %(start)s
    GROUP BY machine_id, line_id, downtime_category, reason_code, downtime_start::date
),
resolved AS (
    SELECT machine_id, line_id, downtime_category, reason_code, resolved_time::date AS report_date,
           COUNT(*) AS resolved_count,
           SUM(duration_minutes) AS resolved_minutes
    FROM events
    WHERE resolved_time >= %(start)s AND resolved_time < %(end)s
    GROUP BY machine_id, line_id, downtime_category, reason_code, resolved_time::date
),
keys AS (
    SELECT machine_id, line_id, downtime_category, reason_code, report_date FROM overlap
    UNION SELECT machine_id, line_id, downtime_category, reason_code, report_date FROM started
    UNION SELECT machine_id, line_id, downtime_category, reason_code, report_date FROM resolved
)
SELECT k.machine_id,
       k.line_id,
       k.report_date,
       k.downtime_category,
       k.reason_code,
       COALESCE(s.reason_description, o.reason_description) AS reason_description,
       COALESCE(o.downtime_minutes, 0) AS downtime_minutes,
       COALESCE(o.events_in_day, 0) AS events_in_day,
       COALESCE(s.incident_count, 0) AS incident_count,
       COALESCE(s.production_loss_units, 0) AS production_loss_units,
       COALESCE(s.downtime_cost, 0) AS downtime_cost,
       COALESCE(r.resolved_count, 0) AS resolved_count,
       COALESCE(r.resolved_minutes, 0) AS resolved_minutes
FROM keys k
LEFT JOIN overlap o
       ON o.machine_id IS NOT DISTINCT FROM k.machine_id AND o.line_id IS NOT DISTINCT FROM k.line_id
      AND o.downtime_category = k.downtime_category AND o.reason_code = k.reason_code AND o.report_date = k.report_date
LEFT JOIN started s
       ON s.machine_id IS NOT DISTINCT FROM k.machine_id AND s.line_id IS NOT DISTINCT FROM k.line_id
      AND s.downtime_category = k.downtime_category AND s.reason_code = k.reason_code AND s.report_date = k.report_date
LEFT JOIN resolved r
       ON r.machine_id IS NOT DISTINCT FROM k.machine_id AND r.line_id IS NOT DISTINCT FROM k.line_id
      AND r.downtime_category = k.downtime_category AND r.reason_code = k.reason_code AND r.report_date = k.report_date
