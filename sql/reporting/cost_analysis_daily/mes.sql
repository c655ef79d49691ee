-- cost_analysis_daily, genims_mes_db part: cost of the work orders completed (status completed or closed) per
-- product, plant and day of actual_end_time, and the actual cost per good unit of the 7 days before each day.
-- units = good_quantity; actual cost = total_material_cost + total_labor_cost + total_overhead_cost;
-- standard cost = good_quantity x standard_cost_per_unit, summed per order.
WITH daily AS (
    SELECT product_id,
           factory_id,
           actual_end_time::date AS report_date,
           COUNT(*) AS work_orders_count,
           SUM(COALESCE(good_quantity, 0)) AS units_produced,
           SUM(COALESCE(total_material_cost, 0)) AS material_cost,
           SUM(COALESCE(total_labor_cost, 0)) AS labor_cost,
           SUM(COALESCE(total_overhead_cost, 0)) AS overhead_cost,
           SUM(COALESCE(good_quantity, 0) * COALESCE(standard_cost_per_unit, 0)) AS standard_cost
    FROM work_orders
    WHERE status IN ('completed', 'closed')
      AND actual_end_time >= %(start)s - interval '7 days' AND actual_end_time < %(end)s
    GROUP BY 1, 2, 3
)
SELECT d.product_id,
       d.factory_id,
       d.report_date,
       d.work_orders_count,
       d.units_produced,
       d.material_cost,
       d.labor_cost,
       d.overhead_cost,
       d.standard_cost,
       prior.actual_cost AS actual_cost_7d,
       prior.units AS units_7d
FROM daily d
LEFT JOIN LATERAL (
    SELECT SUM(p.material_cost + p.labor_cost + p.overhead_cost) AS actual_cost, SUM(p.units_produced) AS units
    FROM daily p
    WHERE p.product_id = d.product_id
      AND p.factory_id = d.factory_id
      AND p.report_date >= d.report_date - 7
      AND p.report_date < d.report_date
) AS prior ON true
WHERE d.report_date >= %(start_date)s
