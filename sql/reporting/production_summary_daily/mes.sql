-- production_summary_daily, genims_mes_db part: three kinds of rows per production line (UNION ALL).
--  * shift rows (shift_id set): the line operator's bookings (labor_transactions, one per production run and
--    shift) by the day of their clock-in (transaction_date) and shift: units produced and rejected, labour hours
--    and cost, standard cost of the good units, and the work order's material and overhead cost prorated by the
--    units booked (material over the order's produced quantity, or its planned quantity while it is smaller:
--    material is kitted for the whole order up front; overhead accrues with run time, over produced units);
--  * day rows (shift_id and plan_hour NULL): work orders booked in the day; work orders completed in the day with
--    their scrap and rework; setup minutes of the operations started in the day; changeovers started in the day;
--  * plan rows (plan_hour set): planned_quantity of each order's final operation spread evenly over the hours of
--    its planned [start, end) in which the line works (booked labour in the hour; hours after the line's last
--    booking count as worked; an order without any worked hour is spread over all its hours), for the clock hours
--    of [start, end + 1 day): the transform gives each hour to the shift whose clock window holds it, on the day
--    that shift starts.
WITH bookings AS (
    SELECT w.line_id,
           l.transaction_date::date AS report_date,
           l.shift_id,
           l.work_order_id,
           COALESCE(l.quantity_produced, 0) AS produced,
           COALESCE(l.quantity_rejected, 0) AS rejected,
           COALESCE(l.actual_hours, 0) AS actual_hours,
           COALESCE(l.standard_hours, 0) AS standard_hours,
           COALESCE(l.overtime_hours, 0) AS overtime_hours,
           COALESCE(l.labor_cost, 0) + COALESCE(l.overtime_cost, 0) AS labor_cost,
           COALESCE(w.standard_cost_per_unit, 0) AS standard_cost_per_unit,
           COALESCE(w.total_material_cost, 0)
               / NULLIF(GREATEST(COALESCE(w.produced_quantity, 0), w.planned_quantity), 0) AS material_per_unit,
           COALESCE(w.total_overhead_cost, 0) / NULLIF(w.produced_quantity, 0) AS overhead_per_unit
    FROM labor_transactions l
    LEFT JOIN work_orders w ON w.work_order_id = l.work_order_id
    WHERE l.transaction_date >= %(start)s AND l.transaction_date < %(end)s
),
shift_rows AS (
    SELECT line_id, report_date, shift_id, NULL::int AS plan_hour,
           SUM(produced) AS actual_units,
           SUM(rejected) AS rejected_units,
           SUM(actual_hours) AS labor_hours,
           SUM(standard_hours) AS standard_labor_hours,
           SUM(overtime_hours) AS overtime_hours,
           SUM((produced - rejected) * standard_cost_per_unit) AS standard_cost,
           SUM(produced * COALESCE(material_per_unit, 0)) AS material_cost,
           SUM(labor_cost) AS labor_cost,
           SUM(produced * COALESCE(overhead_per_unit, 0)) AS overhead_cost
    FROM bookings
    GROUP BY line_id, report_date, shift_id
),
booked_orders AS (
    SELECT line_id, report_date, COUNT(DISTINCT work_order_id) AS work_orders_active
    FROM bookings
    GROUP BY line_id, report_date
),
completed AS (
    SELECT line_id, actual_end_time::date AS report_date,
           COUNT(*) AS work_orders_completed,
           SUM(COALESCE(scrapped_quantity, 0)) AS scrapped_units,
           SUM(COALESCE(rework_quantity, 0)) AS rework_units
    FROM work_orders
    WHERE actual_end_time >= %(start)s AND actual_end_time < %(end)s
      AND status IN ('completed', 'closed')
    GROUP BY line_id, actual_end_time::date
),
setups AS (
    SELECT COALESCE(o.line_id, w.line_id) AS line_id, o.actual_start_time::date AS report_date,
           SUM(COALESCE(o.actual_setup_time_minutes, 0)) / 60.0 AS setup_hours
    FROM work_order_operations o
    LEFT JOIN work_orders w ON w.work_order_id = o.work_order_id
    WHERE o.actual_start_time >= %(start)s AND o.actual_start_time < %(end)s
    GROUP BY COALESCE(o.line_id, w.line_id), o.actual_start_time::date
),
changeovers AS (
    SELECT line_id, changeover_start::date AS report_date,
           COUNT(*) AS changeover_count,
           SUM(COALESCE(actual_duration_minutes, 0)) / 60.0 AS changeover_hours
    FROM changeover_events
    WHERE changeover_start >= %(start)s AND changeover_start < %(end)s
    GROUP BY line_id, changeover_start::date
),
day_keys AS (
    SELECT line_id, report_date FROM booked_orders
    UNION SELECT line_id, report_date FROM completed
    UNION SELECT line_id, report_date FROM setups
    UNION SELECT line_id, report_date FROM changeovers
),
day_rows AS (
    SELECT k.line_id, k.report_date,
           COALESCE(b.work_orders_active, 0) AS work_orders_active,
           COALESCE(c.work_orders_completed, 0) AS work_orders_completed,
           COALESCE(c.scrapped_units, 0) AS scrapped_units,
           COALESCE(c.rework_units, 0) AS rework_units,
           COALESCE(s.setup_hours, 0) AS setup_hours,
           COALESCE(x.changeover_count, 0) AS changeover_count,
           COALESCE(x.changeover_hours, 0) AS changeover_hours
    FROM day_keys k
    LEFT JOIN booked_orders b ON b.line_id IS NOT DISTINCT FROM k.line_id AND b.report_date = k.report_date
    LEFT JOIN completed c ON c.line_id IS NOT DISTINCT FROM k.line_id AND c.report_date = k.report_date
    LEFT JOIN setups s ON s.line_id IS NOT DISTINCT FROM k.line_id AND s.report_date = k.report_date
    LEFT JOIN changeovers x ON x.line_id IS NOT DISTINCT FROM k.line_id AND x.report_date = k.report_date
),
final_operations AS (
    SELECT DISTINCT ON (o.work_order_id)
           o.work_order_id, COALESCE(o.line_id, w.line_id) AS line_id, o.planned_quantity,
           o.planned_start_time, o.planned_end_time
    FROM work_order_operations o
    JOIN work_orders w ON w.work_order_id = o.work_order_id
    WHERE w.status <> 'cancelled'
      AND o.planned_start_time < %(end)s + interval '1 day'
      AND o.planned_end_time > %(start)s
      AND o.planned_end_time > o.planned_start_time
    ORDER BY o.work_order_id, o.operation_sequence DESC
),
line_bookings AS (
    SELECT w.line_id, l.clock_in_time, l.clock_out_time
    FROM labor_transactions l
    JOIN work_orders w ON w.work_order_id = l.work_order_id
    WHERE l.transaction_date >= (SELECT MIN(planned_start_time) FROM final_operations) - interval '1 day'
      AND l.transaction_date < (SELECT MAX(planned_end_time) FROM final_operations)
      AND l.clock_out_time > l.clock_in_time
),
worked_hours AS (
    SELECT DISTINCT b.line_id, g.hour
    FROM line_bookings b
    CROSS JOIN LATERAL generate_series(
        date_trunc('hour', b.clock_in_time), b.clock_out_time - interval '1 microsecond', interval '1 hour'
    ) AS g(hour)
),
last_booked AS (
    SELECT w.line_id, MAX(l.clock_out_time) AS booked_until
    FROM labor_transactions l
    JOIN work_orders w ON w.work_order_id = l.work_order_id
    WHERE l.transaction_date >= (SELECT MIN(planned_start_time) FROM final_operations) - interval '1 day'
    GROUP BY w.line_id
),
operation_hours AS (
    SELECT f.work_order_id, f.line_id, f.planned_quantity, h.hour,
           EXTRACT(EPOCH FROM (LEAST(f.planned_end_time, h.hour + interval '1 hour')
                               - GREATEST(f.planned_start_time, h.hour))) AS seconds,
           (k.hour IS NOT NULL OR h.hour >= COALESCE(b.booked_until, '-infinity'::timestamp)) AS worked
    FROM final_operations f
    CROSS JOIN LATERAL generate_series(
        date_trunc('hour', f.planned_start_time), f.planned_end_time - interval '1 microsecond', interval '1 hour'
    ) AS h(hour)
    LEFT JOIN worked_hours k ON k.line_id = f.line_id AND k.hour = h.hour
    LEFT JOIN last_booked b ON b.line_id = f.line_id
),
weighted_hours AS (
    SELECT line_id, hour, planned_quantity,
           CASE WHEN SUM(seconds) FILTER (WHERE worked) OVER w > 0
                THEN CASE WHEN worked THEN seconds ELSE 0 END / SUM(seconds) FILTER (WHERE worked) OVER w
                ELSE seconds / SUM(seconds) OVER w END AS share
    FROM operation_hours
    WINDOW w AS (PARTITION BY work_order_id)
),
plan_rows AS (
    SELECT line_id, hour::date AS report_date, EXTRACT(HOUR FROM hour)::int AS plan_hour,
           SUM(planned_quantity * share) AS planned_units
    FROM weighted_hours
    WHERE hour >= %(start)s AND hour < %(end)s + interval '1 day'
    GROUP BY line_id, hour
)
SELECT line_id, report_date, shift_id, plan_hour, 0.0 AS planned_units,
       actual_units, rejected_units, labor_hours, standard_labor_hours, overtime_hours,
       standard_cost, material_cost, labor_cost, overhead_cost,
       0 AS work_orders_active, 0 AS work_orders_completed, 0 AS scrapped_units, 0 AS rework_units,
       0.0 AS setup_hours, 0 AS changeover_count, 0.0 AS changeover_hours
FROM shift_rows
UNION ALL
SELECT line_id, report_date, NULL, NULL, 0.0,
       0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
       work_orders_active, work_orders_completed, scrapped_units, rework_units,
       setup_hours, changeover_count, changeover_hours
FROM day_rows
UNION ALL
SELECT line_id, report_date, NULL, plan_hour, planned_units,
       0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
       0, 0, 0, 0, 0.0, 0, 0.0
FROM plan_rows
