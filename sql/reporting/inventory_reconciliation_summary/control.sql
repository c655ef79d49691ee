-- Control total of inventory_reconciliation_summary.erp_quantity: per day of the window, erp_quantity of the lines
-- of each location's most recent reconciliation dated on that day or in the 31 days before it (0 without one).
WITH days AS (
    SELECT d::date AS report_date
    FROM generate_series(%(start_date)s::date, %(end_date)s::date - 1, interval '1 day') AS d
)
SELECT d.report_date, COALESCE(SUM(l.erp_quantity), 0) AS erp_quantity
FROM days d
LEFT JOIN inventory_reconciliation_headers h
    ON h.reconciliation_date <= d.report_date AND h.reconciliation_date >= d.report_date - 31
   AND h.reconciliation_id = (
        SELECT h2.reconciliation_id
        FROM inventory_reconciliation_headers h2
        WHERE h2.location_id IS NOT DISTINCT FROM h.location_id
          AND h2.reconciliation_date <= d.report_date AND h2.reconciliation_date >= d.report_date - 31
        ORDER BY h2.reconciliation_date DESC, h2.started_at DESC NULLS LAST, h2.reconciliation_id DESC
        LIMIT 1
    )
LEFT JOIN inventory_reconciliation_lines l ON l.reconciliation_id = h.reconciliation_id
GROUP BY d.report_date
