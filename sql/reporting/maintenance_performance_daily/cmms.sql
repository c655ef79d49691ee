-- maintenance_performance_daily, genims_cmms_db part: per maintenance asset and day of the window, every asset in
-- service that day (active, commissioned on or before it) and any other asset with activity:
--   PM work orders (generated from a pm_schedules row) due that day (scheduled_end_date; cancelled ones count as
--   due and not done) and, of those, completed (completed or closed) by their due date;
--   work orders requested / completed (actual_end_date) that day; the requested ones by class: predictive
--   (wo_type or source predictive), preventive (from a PM schedule or wo_type preventive/inspection), corrective
--   (the rest: corrective and breakdown repairs, also from requests and inspections);
--   backlog at the end of the day: requested on or before it, not cancelled, not completed by then; its
--   estimated_duration_hours;
--   maintenance_costs of the day by cost_type (contractor, equipment_rental and other together);
--   maintenance_history of the day: downtime_hours and failures (events with a failure code);
--   operating hours = 24 h less that downtime (at least 0);
--   repairs (wo_type corrective or breakdown) completed that day: count and actual_duration_hours (MTTR).
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
orders AS (
    SELECT w.work_order_id, w.asset_id, w.wo_type, w.wo_status, w.requested_date, w.scheduled_end_date,
           COALESCE(w.actual_end_date, w.completed_at) AS finished_at,
           COALESCE(w.estimated_duration_hours, 0) AS estimated_hours,
           w.actual_duration_hours,
           p.pm_schedule_id IS NOT NULL AS from_pm_schedule,
           CASE WHEN w.wo_type = 'predictive' OR w.source_type = 'predictive' THEN 'predictive'
                WHEN p.pm_schedule_id IS NOT NULL OR w.wo_type IN ('preventive', 'inspection') THEN 'preventive'
                ELSE 'corrective' END AS work_class
    FROM work_orders w
    LEFT JOIN pm_schedules p ON w.source_type = 'pm_schedule' AND p.pm_schedule_id = w.source_document_id
),
pm AS (
    SELECT asset_id, scheduled_end_date AS report_date,
           COUNT(*) AS pm_due_count,
           COUNT(*) FILTER (WHERE wo_status IN ('completed', 'closed')
                              AND finished_at::date <= scheduled_end_date) AS pm_completed_on_time
    FROM orders
    WHERE from_pm_schedule AND scheduled_end_date >= %(start_date)s AND scheduled_end_date < %(end_date)s
    GROUP BY asset_id, scheduled_end_date
),
requested AS (
    SELECT asset_id, requested_date AS report_date,
           COUNT(*) AS work_orders_created,
           COUNT(*) FILTER (WHERE work_class = 'preventive') AS preventive_work_orders,
           COUNT(*) FILTER (WHERE work_class = 'corrective') AS corrective_work_orders,
           COUNT(*) FILTER (WHERE work_class = 'predictive') AS predictive_work_orders
    FROM orders
    WHERE requested_date >= %(start_date)s AND requested_date < %(end_date)s
    GROUP BY asset_id, requested_date
),
finished AS (
    SELECT asset_id, finished_at::date AS report_date,
           COUNT(*) AS work_orders_completed,
           COUNT(*) FILTER (WHERE wo_type IN ('corrective', 'breakdown')) AS repairs_completed,
           SUM(COALESCE(actual_duration_hours, 0)) FILTER (WHERE wo_type IN ('corrective', 'breakdown')) AS repair_hours
    FROM orders
    WHERE wo_status IN ('completed', 'closed') AND finished_at >= %(start)s AND finished_at < %(end)s
    GROUP BY asset_id, finished_at::date
),
backlog AS (
    SELECT o.asset_id, d.report_date,
           COUNT(*) AS backlog_work_orders,
           SUM(o.estimated_hours) AS backlog_hours
    FROM orders o
    JOIN days d ON o.requested_date <= d.report_date
               AND (o.finished_at IS NULL OR o.finished_at::date > d.report_date)
    WHERE o.wo_status <> 'cancelled'
      AND (o.wo_status NOT IN ('completed', 'closed') OR o.finished_at >= %(start)s)
    GROUP BY o.asset_id, d.report_date
),
costs AS (
    SELECT asset_id, cost_date AS report_date,
           SUM(COALESCE(cost_amount, 0)) FILTER (WHERE cost_type = 'labor') AS labor_cost,
           SUM(COALESCE(cost_amount, 0)) FILTER (WHERE cost_type = 'parts') AS parts_cost,
           SUM(COALESCE(cost_amount, 0)) FILTER (WHERE cost_type IS DISTINCT FROM 'labor'
                                                   AND cost_type IS DISTINCT FROM 'parts') AS other_cost
    FROM maintenance_costs
    WHERE cost_date >= %(start_date)s AND cost_date < %(end_date)s
    GROUP BY asset_id, cost_date
),
history AS (
    SELECT asset_id, event_date::date AS report_date,
           SUM(COALESCE(downtime_hours, 0)) AS downtime_hours,
           COUNT(*) FILTER (WHERE failure_code IS NOT NULL) AS failure_count
    FROM maintenance_history
    WHERE event_date >= %(start)s AND event_date < %(end)s
    GROUP BY asset_id, event_date::date
),
keys AS (
    SELECT a.asset_id, d.report_date
    FROM maintenance_assets a
    JOIN days d ON COALESCE(a.commissioning_date, a.installation_date, a.purchase_date, d.report_date) <= d.report_date
    WHERE COALESCE(a.is_active, true)
    UNION SELECT asset_id, report_date FROM pm
    UNION SELECT asset_id, report_date FROM requested
    UNION SELECT asset_id, report_date FROM finished
    UNION SELECT asset_id, report_date FROM backlog
    UNION SELECT asset_id, report_date FROM costs
    UNION SELECT asset_id, report_date FROM history
)
SELECT k.asset_id,
       k.report_date,
       a.asset_name,
       a.asset_type,
       a.criticality_rating,
       a.machine_id,
       a.line_id,
       a.factory_id,
       COALESCE(pm.pm_due_count, 0) AS pm_due_count,
       COALESCE(pm.pm_completed_on_time, 0) AS pm_completed_on_time,
       COALESCE(r.work_orders_created, 0) AS work_orders_created,
       COALESCE(f.work_orders_completed, 0) AS work_orders_completed,
       COALESCE(r.preventive_work_orders, 0) AS preventive_work_orders,
       COALESCE(r.corrective_work_orders, 0) AS corrective_work_orders,
       COALESCE(r.predictive_work_orders, 0) AS predictive_work_orders,
       COALESCE(b.backlog_work_orders, 0) AS backlog_work_orders,
       COALESCE(b.backlog_hours, 0) AS backlog_hours,
       COALESCE(c.labor_cost, 0) AS labor_cost,
       COALESCE(c.parts_cost, 0) AS parts_cost,
       COALESCE(c.other_cost, 0) AS other_cost,
       COALESCE(h.downtime_hours, 0) AS downtime_hours,
       COALESCE(h.failure_count, 0) AS failure_count,
       GREATEST(24 - COALESCE(h.downtime_hours, 0), 0) AS operating_hours,
       COALESCE(f.repairs_completed, 0) AS repairs_completed,
       COALESCE(f.repair_hours, 0) AS repair_hours
FROM keys k
LEFT JOIN maintenance_assets a ON a.asset_id = k.asset_id
LEFT JOIN pm ON pm.asset_id = k.asset_id AND pm.report_date = k.report_date
LEFT JOIN requested r ON r.asset_id = k.asset_id AND r.report_date = k.report_date
LEFT JOIN finished f ON f.asset_id = k.asset_id AND f.report_date = k.report_date
LEFT JOIN backlog b ON b.asset_id = k.asset_id AND b.report_date = k.report_date
LEFT JOIN costs c ON c.asset_id = k.asset_id AND c.report_date = k.report_date
LEFT JOIN history h ON h.asset_id = k.asset_id AND h.report_date = k.report_date
