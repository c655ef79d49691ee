-- Control total of cost_analysis_daily.actual_cost (from MES): actual_costs of the ERP production orders finished
-- (completed or closed) per day; the ERP takes each order's costs from its MES work order.
SELECT actual_finish_date AS report_date, SUM(COALESCE(actual_costs, 0)) AS actual_cost
FROM production_orders
WHERE actual_finish_date >= %(start_date)s AND actual_finish_date < %(end_date)s
  AND system_status IN ('completed', 'closed')
GROUP BY actual_finish_date
