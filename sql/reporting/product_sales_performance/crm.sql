-- product_sales_performance, genims_crm_db part: the forecast per product and month of the window, summed over
-- territories. Monthly forecast rows are keyed "SF-<product_id>-<YYYYMM>-<territory_id>" (forecast_period
-- 'monthly'); the "SF-ALL-..." quarterly and yearly roll-ups are left out.
SELECT make_date(forecast_year, forecast_month, 1) AS report_month,
       substring(forecast_id FROM '^SF-(.+)-[0-9]{6}-') AS product_id,
       SUM(COALESCE(total_forecast, 0)) AS forecast_revenue
FROM sales_forecasts
WHERE forecast_period = 'monthly'
  AND forecast_id NOT LIKE 'SF-ALL-%%'
  AND forecast_month IS NOT NULL
  AND make_date(forecast_year, forecast_month, 1) >= %(start_date)s
  AND make_date(forecast_year, forecast_month, 1) < %(end_date)s
GROUP BY 1, 2
HAVING substring(forecast_id FROM '^SF-(.+)-[0-9]{6}-') IS NOT NULL
