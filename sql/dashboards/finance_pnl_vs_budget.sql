-- Finance dashboard: how did each plant do over the last %(days)s days, and against its budget?
-- Parameters: %(days)s = number of whole UTC days before today (today, still being posted, is left out).
-- Per plant: revenue, cost of goods sold, gross margin and its %%, operating expenses, operating income, net income,
-- the budget of the same days and the variance (net income - budget; budget NULL where no department had one).
-- Served by the PRIMARY KEY (report_date, factory_id, department_id): a range on its first column, pruned to the
-- monthly partitions of the period (about 9 departments x 4 plants = 36 rows a day).
SELECT factory_id,
       MAX(factory_name) AS factory_name,
       SUM(revenue) AS revenue,
       SUM(cogs_amount) AS cogs_amount,
       SUM(gross_margin_amount) AS gross_margin_amount,
       ROUND(100 * SUM(gross_margin_amount) / NULLIF(SUM(revenue), 0), 3) AS gross_margin_pct,
       SUM(operating_expenses) AS operating_expenses,
       SUM(operating_income) AS operating_income,
       SUM(net_income) AS net_income,
       SUM(budget_net_income) AS budget_net_income,
       SUM(net_income) - SUM(budget_net_income) AS variance_from_budget
FROM profit_and_loss_daily
WHERE report_date >= UTC_DATE() - INTERVAL %(days)s DAY
  AND report_date < UTC_DATE()
GROUP BY factory_id
ORDER BY factory_id
