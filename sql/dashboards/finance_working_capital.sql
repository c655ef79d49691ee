-- Finance dashboard: how are one plant's cash and working capital moving, day by day, over the last %(days)s days?
-- Parameters: %(factory_id)s = the plant (factories.factory_id), %(days)s = number of days back from today (UTC).
-- Per day: cash in, cash out, net cash flow, closing cash, receivables and payables with DSO and DPO
-- (cash_flow_daily), and the current and quick ratios and 30-day margins (financial_ratios) of the same day.
-- Served by idx_cash_flow_daily_factory_id_date (factory_id, report_date) for the range, then the PRIMARY KEY
-- (report_date, factory_id) of financial_ratios for one row per day (eq_ref).
SELECT c.report_date,
       c.cash_inflows,
       c.cash_outflows,
       c.net_cash_flow,
       c.closing_cash_balance,
       c.receivables_amount,
       c.payables_amount,
       c.dso_days,
       c.dpo_days,
       r.current_ratio,
       r.quick_ratio,
       r.gross_margin_pct,
       r.net_margin_pct
FROM cash_flow_daily c
LEFT JOIN financial_ratios r ON r.report_date = c.report_date AND r.factory_id = c.factory_id
WHERE c.factory_id = %(factory_id)s
  AND c.report_date >= UTC_DATE() - INTERVAL %(days)s DAY
ORDER BY c.report_date
