-- production_summary_daily, genims_master_db part: the line dimension (names next to ids), and for every line and
-- clock hour the production shift (shift_a/b/c of master.shifts) whose window holds the hour; previous_day is true
-- for the hours after midnight of a shift that starts the day before (they count on the day the shift starts).
SELECT l.line_id,
       l.line_name,
       l.factory_id,
       f.factory_name,
       h.hour AS plan_hour,
       s.shift_id,
       s.shift_name,
       COALESCE(s.end_time <= s.start_time AND make_time(h.hour, 0, 0) < s.end_time, false) AS previous_day
FROM production_lines l
LEFT JOIN factories f ON f.factory_id = l.factory_id
CROSS JOIN generate_series(0, 23) AS h(hour)
LEFT JOIN LATERAL (
    SELECT x.shift_id, x.shift_name, x.start_time, x.end_time
    FROM shifts x
    WHERE x.factory_id = l.factory_id
      AND x.shift_name IN ('shift_a', 'shift_b', 'shift_c')
      AND CASE WHEN x.start_time < x.end_time
               THEN make_time(h.hour, 0, 0) >= x.start_time AND make_time(h.hour, 0, 0) < x.end_time
               ELSE make_time(h.hour, 0, 0) >= x.start_time OR make_time(h.hour, 0, 0) < x.end_time END
    ORDER BY x.start_time
    LIMIT 1
) s ON true
