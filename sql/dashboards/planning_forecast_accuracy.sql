-- Planning dashboard: how good was the demand forecast per product category over the last %(months)s complete months?
-- Parameters: %(months)s = number of whole calendar months before the current one (which is still being ordered).
-- Per category and month: forecast and actual units and value, the quantity variance and its %% of the forecast,
-- and the weighted forecast accuracy = GREATEST(0, 100 - SUM(|variance quantity|) / SUM(actual quantity) x 100)
-- over the products with both a forecast and orders.
-- Served by idx_demand_forecast_vs_actual_accuracy_rollup (report_month, product_category and the measures): a
-- range on its first column, pruned to the months' partitions, reads the entries in group order without the wide
-- rows (about 400 products a month at scale 10: 9.9 ms through the PRIMARY KEY, 5.5 ms through this index).
SELECT report_month,
       product_category,
       COUNT(*) AS products,
       SUM(forecast_quantity) AS forecast_quantity,
       SUM(actual_quantity) AS actual_quantity,
       SUM(forecast_amount) AS forecast_amount,
       SUM(actual_amount) AS actual_amount,
       SUM(actual_quantity) - SUM(forecast_quantity) AS variance_quantity,
       ROUND(100 * (SUM(actual_quantity) - SUM(forecast_quantity)) / NULLIF(SUM(forecast_quantity), 0), 3)
           AS variance_pct,
       ROUND(GREATEST(0, 100 - 100 * SUM(CASE WHEN forecast_quantity IS NOT NULL THEN ABS(variance_quantity) END)
           / NULLIF(SUM(CASE WHEN forecast_quantity IS NOT NULL THEN actual_quantity END), 0)), 3)
           AS forecast_accuracy_pct
FROM demand_forecast_vs_actual
WHERE report_month >= DATE_FORMAT(UTC_DATE(), '%%Y-%%m-01') - INTERVAL %(months)s MONTH
  AND report_month < DATE_FORMAT(UTC_DATE(), '%%Y-%%m-01')
GROUP BY report_month, product_category
ORDER BY report_month, product_category
