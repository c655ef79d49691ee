-- labor_efficiency_daily, genims_mes_db part: the operators' bookings (labor_transactions) per factory (of the
-- work order), day of clock-in (transaction_date) and shift: direct hours (actual_hours), earned hours
-- (standard_hours), units produced, labour and overtime cost.
SELECT w.factory_id,
       l.transaction_date::date AS report_date,
       l.shift_id,
       SUM(COALESCE(l.actual_hours, 0)) AS direct_labor_hours,
       SUM(COALESCE(l.standard_hours, 0)) AS standard_hours,
       SUM(COALESCE(l.quantity_produced, 0)) AS units_produced,
       SUM(COALESCE(l.labor_cost, 0)) AS labor_cost,
       SUM(COALESCE(l.overtime_cost, 0)) AS overtime_cost
FROM labor_transactions l
LEFT JOIN work_orders w ON w.work_order_id = l.work_order_id
WHERE l.transaction_date >= %(start)s AND l.transaction_date < %(end)s
GROUP BY w.factory_id, l.transaction_date::date, l.shift_id
