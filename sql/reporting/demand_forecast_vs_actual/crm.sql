-- demand_forecast_vs_actual, genims_crm_db part: forecast revenue per product and month of the window.
-- Monthly forecasts are one row per product, month and territory, keyed "SF-<product_id>-<YYYYMM>-<territory_id>"
-- (genims_assets/synthetic/crm.py): the product is parsed from the id and the territories are summed.
-- The "SF-ALL-..." quarterly and yearly roll-ups are left out (they would count the months twice).
SELECT make_date(forecast_year, forecast_month, 1) AS report_month,
       substring(forecast_id FROM '^SF-(.+)-[0-9]{6}-') AS product_id,
       SUM(COALESCE(total_forecast, 0)) AS forecast_amount
FROM sales_forecasts
WHERE forecast_period = 'monthly'
  AND forecast_id NOT LIKE 'SF-ALL-%%'
  AND forecast_id ~ '^SF-.+-[0-9]{6}-'
  AND forecast_year BETWEEN EXTRACT(YEAR FROM %(start_date)s::date) AND EXTRACT(YEAR FROM %(end_date)s::date)
  AND make_date(forecast_year, forecast_month, 1) >= %(start_date)s
  AND make_date(forecast_year, forecast_month, 1) < %(end_date)s
GROUP BY 1, 2
