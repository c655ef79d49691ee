-- machine_performance_daily, genims_mes_db part: minutes of MES downtime events per machine and day,
-- each event cut to the day(s) it overlaps (an event over midnight counts on both days).
SELECT e.machine_id,
       d.day::date AS report_date,
       SUM(EXTRACT(EPOCH FROM (
           LEAST(COALESCE(e.downtime_end, e.downtime_start + make_interval(mins => COALESCE(e.duration_minutes, 0))),
                 d.day + interval '1 day')
           - GREATEST(e.downtime_start, d.day)
       )) / 60.0) AS downtime_minutes
FROM downtime_events e
CROSS JOIN LATERAL generate_series(
    date_trunc('day', GREATEST(e.downtime_start, %(start)s)),
    date_trunc('day', LEAST(COALESCE(e.downtime_end, e.downtime_start), %(end)s - interval '1 microsecond')),
    interval '1 day'
) AS d(day)
WHERE e.machine_id IS NOT NULL
  AND e.downtime_start < %(end)s
  AND COALESCE(e.downtime_end, e.downtime_start + make_interval(mins => COALESCE(e.duration_minutes, 0))) > %(start)s
GROUP BY e.machine_id, d.day
