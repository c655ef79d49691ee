-- Control total of maintenance_performance_daily.maintenance_cost: cmms.maintenance_costs of the day, every type.
SELECT cost_date AS report_date, SUM(COALESCE(cost_amount, 0)) AS maintenance_cost
FROM maintenance_costs
WHERE cost_date >= %(start_date)s AND cost_date < %(end_date)s
GROUP BY cost_date
