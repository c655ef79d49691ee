-- Control total of production_summary_daily.actual_units: units the line operators booked (quantity_produced of
-- mes.labor_transactions) per day of clock-in, whatever their line or shift.
SELECT transaction_date::date AS report_date, SUM(COALESCE(quantity_produced, 0)) AS actual_units
FROM labor_transactions
WHERE transaction_date >= %(start)s AND transaction_date < %(end)s
GROUP BY transaction_date::date
