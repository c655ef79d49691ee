-- returns_warranty_summary, genims_service_db part: per product (by its master product name: RMA line items and
-- warranty registrations carry the product by name) and day of the window.
--   RMAs created on the day with a line of the product, the quantity_returned of those lines, the RMA's
--   refund_amount shared over its lines by quantity, and the RMAs per return_reason (JSON {reason: count});
--   quantity returned over the 90 days ending the day (units_returned_90d, the rolling return rate);
--   warranty claims dated on the day (claim_date) of registrations of the product: count, approved, their
--   total_claim_amount and warranty_coverage.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
rma_lines AS (
    SELECT li.product_name,
           r.created_at::date AS report_date,
           r.rma_id,
           r.return_reason,
           COALESCE(li.quantity_returned, 0) AS quantity,
           COALESCE(r.refund_amount, 0) * CASE
               WHEN SUM(COALESCE(li.quantity_returned, 0)) OVER (PARTITION BY r.rma_id) > 0
               THEN COALESCE(li.quantity_returned, 0) / SUM(COALESCE(li.quantity_returned, 0)) OVER (PARTITION BY r.rma_id)
               ELSE 1.0 / COUNT(*) OVER (PARTITION BY r.rma_id)
           END AS refund_share
    FROM rma_requests r
    JOIN rma_line_items li ON li.rma_id = r.rma_id
    WHERE r.created_at >= %(start)s - interval '89 days' AND r.created_at < %(end)s
),
rma_day AS (
    SELECT product_name,
           report_date,
           COUNT(DISTINCT rma_id) AS rma_count,
           SUM(quantity) AS units_returned,
           SUM(refund_share) AS rma_refund_amount
    FROM rma_lines
    WHERE report_date >= %(start_date)s
    GROUP BY product_name, report_date
),
rma_reasons AS (
    SELECT product_name, report_date, json_object_agg(return_reason, rmas ORDER BY return_reason)::text AS rma_reasons
    FROM (
        SELECT product_name, report_date, return_reason, COUNT(DISTINCT rma_id) AS rmas
        FROM rma_lines
        WHERE report_date >= %(start_date)s AND return_reason IS NOT NULL
        GROUP BY product_name, report_date, return_reason
    ) x
    GROUP BY product_name, report_date
),
rma_90d AS (
    SELECT l.product_name, d.report_date, SUM(l.quantity) AS units_returned_90d
    FROM days d
    JOIN rma_lines l ON l.report_date BETWEEN d.report_date - 89 AND d.report_date
    GROUP BY l.product_name, d.report_date
),
claims AS (
    SELECT w.product_name,
           c.claim_date AS report_date,
           COUNT(*) AS warranty_claims_count,
           COUNT(*) FILTER (WHERE c.approved) AS warranty_claims_approved,
           SUM(COALESCE(c.total_claim_amount, 0)) AS claim_cost,
           SUM(COALESCE(c.warranty_coverage, 0)) AS warranty_covered_amount
    FROM warranty_claims c
    JOIN warranty_registrations w ON w.warranty_id = c.warranty_id
    WHERE c.claim_date >= %(start_date)s AND c.claim_date < %(end_date)s
    GROUP BY w.product_name, c.claim_date
),
grain AS (
    SELECT product_name, report_date FROM rma_day
    UNION SELECT product_name, report_date FROM rma_90d
    UNION SELECT product_name, report_date FROM claims
)
SELECT g.product_name,
       g.report_date,
       COALESCE(r.rma_count, 0) AS rma_count,
       COALESCE(r.units_returned, 0) AS units_returned,
       COALESCE(r.rma_refund_amount, 0) AS rma_refund_amount,
       rr.rma_reasons,
       COALESCE(n.units_returned_90d, 0) AS units_returned_90d,
       COALESCE(c.warranty_claims_count, 0) AS warranty_claims_count,
       COALESCE(c.warranty_claims_approved, 0) AS warranty_claims_approved,
       COALESCE(c.claim_cost, 0) AS claim_cost,
       COALESCE(c.warranty_covered_amount, 0) AS warranty_covered_amount
FROM grain g
LEFT JOIN rma_day r ON r.product_name IS NOT DISTINCT FROM g.product_name AND r.report_date = g.report_date
LEFT JOIN rma_reasons rr ON rr.product_name IS NOT DISTINCT FROM g.product_name AND rr.report_date = g.report_date
LEFT JOIN rma_90d n ON n.product_name IS NOT DISTINCT FROM g.product_name AND n.report_date = g.report_date
LEFT JOIN claims c ON c.product_name IS NOT DISTINCT FROM g.product_name AND c.report_date = g.report_date
