-- Control total of material_flow_daily.receipts_value: amount of the receipts (movement types 101 and 262,
-- not cancelled) per posting day.
SELECT posting_date AS report_date, SUM(COALESCE(amount, 0)) AS receipts_value
FROM inventory_transactions
WHERE posting_date >= %(start_date)s AND posting_date < %(end_date)s
  AND movement_type IN ('101', '262') AND NOT COALESCE(cancelled, false)
GROUP BY posting_date
