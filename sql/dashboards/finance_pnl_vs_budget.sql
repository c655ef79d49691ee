-- Finance dashboard: the P&L of plant %(factory_id)s month to date, by department, against its budget.
-- Parameters: %(factory_id)s = the plant (e.g. FAC-0001); %(end_date)s = the last whole day (DATE, UTC; today, still
-- being posted, is left out): from the 1st of its month to it.
-- Per department: revenue, cost of goods sold, gross margin and its %%, operating expenses, operating income, other
-- income, tax, net income, the budget of the same days and the variance (net income - budget; budget NULL where the
-- department had none).
-- Served by idx_profit_and_loss_daily_factory_id_date (factory_id, report_date): an equality and a range read only
-- the plant's department-days of the month (about 9 a day). Over every plant (40 at scale 10) the same 30 days read
-- 10.8k rows (22 ms): the dashboard has a plant selector.
SELECT department_id,
       MAX(department_name) AS department_name,
       MAX(factory_name) AS factory_name,
       SUM(revenue) AS revenue,
       SUM(cogs_amount) AS cogs_amount,
       SUM(gross_margin_amount) AS gross_margin_amount,
       ROUND(100 * SUM(gross_margin_amount) / NULLIF(SUM(revenue), 0), 3) AS gross_margin_pct,
       SUM(operating_expenses) AS operating_expenses,
       SUM(operating_income) AS operating_income,
       SUM(other_income) AS other_income,
       SUM(tax_amount) AS tax_amount,
       SUM(net_income) AS net_income,
       SUM(budget_net_income) AS budget_net_income,
       SUM(net_income) - SUM(budget_net_income) AS variance_from_budget
FROM profit_and_loss_daily
WHERE factory_id = %(factory_id)s
  AND report_date > LAST_DAY(%(end_date)s - INTERVAL 1 MONTH) AND report_date <= %(end_date)s
GROUP BY department_id
ORDER BY department_id
