-- customer_performance, genims_service_db part, calendar (= fiscal) year to date up to the as-of day.
-- Per customer account (account_id = master customer_id), product (by its master product name, as the RMA line
-- items carry it) and referenced sales order: the RMAs created in the period (rma_ids, counted once per product
-- category downstream) and the quantity_returned of their line items.
-- Per customer, joined onto each of its rows: survey answers with an NPS score in the period, promoters (9-10)
-- and detractors (0-6).
WITH bounds AS (
    SELECT date_trunc('year', %(as_of)s) AS first_moment, %(as_of)s::date + 1 AS end_moment
),
returns AS (
    SELECT r.account_id AS customer_id,
           li.product_name,
           r.sales_order_id,
           array_agg(DISTINCT r.rma_id) AS rma_ids,
           SUM(COALESCE(li.quantity_returned, 0)) AS ytd_units_returned
    FROM rma_requests r
    JOIN rma_line_items li ON li.rma_id = r.rma_id
    CROSS JOIN bounds b
    WHERE r.created_at >= b.first_moment AND r.created_at < b.end_moment
    GROUP BY r.account_id, li.product_name, r.sales_order_id
),
nps AS (
    SELECT s.account_id AS customer_id,
           COUNT(*) AS survey_responses,
           COUNT(*) FILTER (WHERE s.nps_score >= 9) AS promoters,
           COUNT(*) FILTER (WHERE s.nps_score <= 6) AS detractors
    FROM survey_responses s
    CROSS JOIN bounds b
    WHERE s.nps_score IS NOT NULL
      AND s.responded_at >= b.first_moment AND s.responded_at < b.end_moment
    GROUP BY s.account_id
)
SELECT COALESCE(r.customer_id, n.customer_id) AS customer_id,
       r.product_name,
       r.sales_order_id,
       COALESCE(r.rma_ids, ARRAY[]::varchar[]) AS rma_ids,
       COALESCE(r.ytd_units_returned, 0) AS ytd_units_returned,
       COALESCE(n.survey_responses, 0) AS survey_responses,
       COALESCE(n.promoters, 0) AS promoters,
       COALESCE(n.detractors, 0) AS detractors
FROM returns r
FULL JOIN nps n ON n.customer_id = r.customer_id
WHERE COALESCE(r.customer_id, n.customer_id) IS NOT NULL
