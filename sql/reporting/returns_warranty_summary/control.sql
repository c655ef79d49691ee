-- Control total of returns_warranty_summary.units_returned: quantity_returned of the RMA line items per day the RMA
-- was created, whatever the product; 0 on a day without any.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
returned AS (
    SELECT r.created_at::date AS created_on, SUM(COALESCE(li.quantity_returned, 0)) AS units_returned
    FROM rma_requests r
    JOIN rma_line_items li ON li.rma_id = r.rma_id
    WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
    GROUP BY r.created_at::date
)
SELECT d.report_date, COALESCE(x.units_returned, 0) AS units_returned
FROM days d
LEFT JOIN returned x ON x.created_on = d.report_date
