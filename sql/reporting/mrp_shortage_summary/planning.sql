-- mrp_shortage_summary, genims_planning_db part: per material, plant and day, the latest completed MRP run of the
-- day for the plant (runs by planning_date) and its elements (genims_assets/synthetic/planning.py):
--   stock = receipt_quantity of the 'stock' element (on hand at the start of the run);
--   planned receipts = open purchase and production orders dated within the horizon (planning_date + horizon
--   days, past-due ones included); MRP's own planned orders are its proposal to cover a shortage, not supply;
--   requirements = requirement_quantity of the elements within the horizon;
--   first shortage = the first element_date where the running balance (stock first, then receipts and
--   requirements in date order, receipts before requirements on a day) falls below 0; a past-due requirement the
--   stock cannot cover gives a date before the run;
--   exceptions counted over all elements of the run, with a {message: count} JSON object.
WITH runs AS (
    SELECT DISTINCT ON (planning_date, plant_id) mrp_run_id, planning_date, plant_id, planning_horizon_days
    FROM mrp_runs
    WHERE planning_date >= %(start_date)s AND planning_date < %(end_date)s
      AND run_status = 'completed' AND plant_id IS NOT NULL
    ORDER BY planning_date, plant_id, completed_at DESC NULLS LAST, mrp_run_id DESC
),
flows AS (
    SELECT r.planning_date, r.mrp_run_id, r.planning_horizon_days, e.material_id, e.plant_id, e.element_id,
           e.element_type, e.element_date, e.exception_message,
           CASE WHEN e.element_type <> 'planned_order' AND in_horizon THEN COALESCE(e.receipt_quantity, 0) ELSE 0 END
               AS receipt,
           CASE WHEN in_horizon THEN COALESCE(e.requirement_quantity, 0) ELSE 0 END AS requirement
    FROM runs r
    JOIN mrp_elements e ON e.mrp_run_id = r.mrp_run_id
    CROSS JOIN LATERAL (
        SELECT r.planning_horizon_days IS NULL
               OR e.element_date <= r.planning_date + r.planning_horizon_days AS in_horizon
    ) AS h
),
running AS (
    SELECT f.*,
           SUM(receipt - requirement) OVER (
               PARTITION BY mrp_run_id, material_id, plant_id
               ORDER BY element_type <> 'stock', element_date, requirement > 0, element_id
               ROWS UNBOUNDED PRECEDING
           ) AS projected
    FROM flows f
),
messages AS (
    SELECT mrp_run_id, material_id, plant_id, jsonb_object_agg(exception_message, n)::text
               AS exception_messages
    FROM (
        SELECT mrp_run_id, material_id, plant_id, exception_message, COUNT(*) AS n
        FROM flows
        WHERE exception_message IS NOT NULL
        GROUP BY 1, 2, 3, 4
    ) AS counted
    GROUP BY 1, 2, 3
)
SELECT r.planning_date AS report_date,
       r.material_id,
       r.plant_id,
       r.mrp_run_id,
       r.planning_date,
       MAX(r.planning_horizon_days) AS planning_horizon_days,
       SUM(r.receipt) FILTER (WHERE r.element_type = 'stock') AS stock_quantity,
       SUM(r.receipt) FILTER (WHERE r.element_type <> 'stock') AS planned_receipts_quantity,
       SUM(r.requirement) AS requirements_quantity,
       MIN(r.element_date) FILTER (WHERE r.projected < 0) AS first_shortage_date,
       COUNT(*) FILTER (WHERE r.exception_message = 'shortage') AS shortage_exceptions,
       COUNT(*) FILTER (WHERE r.exception_message = 'excess') AS excess_exceptions,
       COUNT(*) FILTER (WHERE r.exception_message = 'reschedule') AS reschedule_exceptions,
       COUNT(r.exception_message) AS exception_count,
       m.exception_messages
FROM running r
LEFT JOIN messages m ON m.mrp_run_id = r.mrp_run_id AND m.material_id = r.material_id AND m.plant_id = r.plant_id
GROUP BY r.planning_date, r.material_id, r.plant_id, r.mrp_run_id, m.exception_messages
