-- work_in_process, genims_mes_db part: per production line and day of the window, the work orders open at the
-- end of the day (eod) and where they stand, and the orders completed on the day.
-- Open at eod: started before eod (actual_start_time), or released (status past created/scheduled, not a
-- cancelled order that never started) with its planned start before eod; and not ended (actual_end_time) by eod.
-- WIP units of an open order = planned_quantity, valued at standard_cost_per_unit. Its stage at eod, first match:
--   on_hold     quality_hold, from the order's last update (when it stopped) on
--   in_process  an operation started and not finished
--   inspection  an operation finished that requires inspection, not inspected by eod
--   queued      otherwise (not started, or between operations)
-- Completed on the day: status completed or closed, actual_end_time on the day: good units and cycle time.
WITH days AS (
    SELECT %(start_date)s::date + i AS day, (%(start_date)s::date + i + 1)::timestamp AS eod
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
open_orders AS MATERIALIZED (
    SELECT d.day, d.eod, wo.work_order_id, COALESCE(wo.line_id, 'UNASSIGNED') AS line_id,
           wo.planned_quantity, COALESCE(wo.standard_cost_per_unit, 0) AS unit_cost, wo.actual_start_time,
           CASE
               WHEN wo.quality_hold AND wo.updated_at < d.eod THEN 'on_hold'
               WHEN op.running THEN 'in_process'
               WHEN op.awaiting_inspection THEN 'inspection'
               ELSE 'queued'
           END AS stage
    FROM work_orders wo
    JOIN days d
      ON (wo.actual_start_time < d.eod
          OR (wo.planned_start_date < d.eod AND wo.status NOT IN ('created', 'scheduled')
              AND (wo.status <> 'cancelled' OR wo.actual_start_time IS NOT NULL)))
     AND (wo.actual_end_time IS NULL OR wo.actual_end_time >= d.eod)
    CROSS JOIN LATERAL (
        SELECT COALESCE(BOOL_OR(o.actual_start_time < d.eod
                                AND (o.actual_end_time IS NULL OR o.actual_end_time >= d.eod)), false) AS running,
               COALESCE(BOOL_OR(o.requires_inspection AND o.actual_end_time < d.eod
                                AND (o.inspection_timestamp IS NULL OR o.inspection_timestamp >= d.eod)), false)
                   AS awaiting_inspection
        FROM work_order_operations o
        WHERE o.work_order_id = wo.work_order_id
    ) AS op
    WHERE (wo.actual_start_time < %(end)s OR wo.planned_start_date < %(end)s)
      AND (wo.actual_end_time IS NULL OR wo.actual_end_time >= %(start)s)
),
wip AS (
    SELECT line_id, day AS report_date,
           COUNT(*) AS open_work_orders,
           SUM(planned_quantity) FILTER (WHERE stage = 'queued') AS queued_quantity,
           SUM(planned_quantity * unit_cost) FILTER (WHERE stage = 'queued') AS queued_value,
           SUM(planned_quantity) FILTER (WHERE stage = 'in_process') AS in_process_quantity,
           SUM(planned_quantity * unit_cost) FILTER (WHERE stage = 'in_process') AS in_process_value,
           SUM(planned_quantity) FILTER (WHERE stage = 'inspection') AS inspection_quantity,
           SUM(planned_quantity * unit_cost) FILTER (WHERE stage = 'inspection') AS inspection_value,
           SUM(planned_quantity) FILTER (WHERE stage = 'on_hold') AS on_hold_quantity,
           SUM(planned_quantity * unit_cost) FILTER (WHERE stage = 'on_hold') AS on_hold_value,
           AVG(EXTRACT(EPOCH FROM eod - actual_start_time) / 3600.0) FILTER (WHERE actual_start_time < eod)
               AS avg_wip_age_hours
    FROM open_orders
    GROUP BY line_id, day
),
completed AS (
    SELECT COALESCE(line_id, 'UNASSIGNED') AS line_id, actual_end_time::date AS report_date,
           SUM(COALESCE(good_quantity, 0)) AS throughput_units,
           AVG(EXTRACT(EPOCH FROM actual_end_time - actual_start_time) / 3600.0) AS avg_cycle_time_hours
    FROM work_orders
    WHERE actual_end_time >= %(start)s AND actual_end_time < %(end)s AND status IN ('completed', 'closed')
    GROUP BY 1, 2
)
SELECT COALESCE(w.line_id, c.line_id) AS line_id,
       COALESCE(w.report_date, c.report_date) AS report_date,
       w.open_work_orders, w.queued_quantity, w.queued_value, w.in_process_quantity, w.in_process_value,
       w.inspection_quantity, w.inspection_value, w.on_hold_quantity, w.on_hold_value, w.avg_wip_age_hours,
       c.throughput_units, c.avg_cycle_time_hours
FROM wip w
FULL OUTER JOIN completed c ON c.line_id = w.line_id AND c.report_date = w.report_date
