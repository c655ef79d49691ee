-- Operations dashboard: how did each production line of factory %(factory_id)s perform against plan, shift by shift,
-- over the days %(start_date)s to %(end_date)s (inclusive)?
-- Parameters: %(factory_id)s = the factory (e.g. FAC-0001); %(start_date)s, %(end_date)s = first and last day (DATE,
-- UTC).
-- Per line: planned, actual and good units and plan attainment for the whole day and for the morning, afternoon and
-- night shifts; yield; labour hours and units per labour hour; standard and actual cost and the cost variance percentage.
-- Served by idx_production_summary_daily_factory_id_date (factory_id, report_date): an equality and a range on its
-- two columns read only the factory's rows of those days; the grouping is over those rows.
SELECT line_id,
       MAX(line_name) AS line_name,
       SUM(planned_units) AS planned_units,
       SUM(actual_units) AS actual_units,
       SUM(good_units) AS good_units,
       ROUND(100 * SUM(actual_units) / NULLIF(SUM(planned_units), 0), 3) AS plan_attainment_pct,
       ROUND(100 * SUM(good_units) / NULLIF(SUM(actual_units), 0), 3) AS yield_pct,
       ROUND(100 * SUM(morning_actual_units) / NULLIF(SUM(morning_planned_units), 0), 3) AS morning_attainment_pct,
       ROUND(100 * SUM(afternoon_actual_units) / NULLIF(SUM(afternoon_planned_units), 0), 3) AS afternoon_attainment_pct,
       ROUND(100 * SUM(night_actual_units) / NULLIF(SUM(night_planned_units), 0), 3) AS night_attainment_pct,
       SUM(morning_good_units) AS morning_good_units,
       SUM(afternoon_good_units) AS afternoon_good_units,
       SUM(night_good_units) AS night_good_units,
       SUM(labor_hours) AS labor_hours,
       ROUND(SUM(actual_units) / NULLIF(SUM(labor_hours), 0), 2) AS units_per_labor_hour,
       SUM(standard_cost) AS standard_cost,
       SUM(actual_cost) AS actual_cost,
       ROUND(100 * (SUM(actual_cost) - SUM(standard_cost)) / NULLIF(SUM(standard_cost), 0), 3) AS cost_variance_pct
FROM production_summary_daily
WHERE factory_id = %(factory_id)s
  AND report_date >= %(start_date)s AND report_date <= %(end_date)s
GROUP BY line_id
ORDER BY plan_attainment_pct, line_id
