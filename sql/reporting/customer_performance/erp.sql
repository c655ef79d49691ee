-- customer_performance, genims_erp_db part: the calendar (= fiscal) year to date, from 1 January of the as-of
-- day's year to the as-of day. Per customer, plant and product: booked sales (orders and lines not cancelled,
-- lines not deleted; amount = net_price), units, the latest order day and the orders (order_ids, so that orders
-- are counted once per product category and returns find the plant of their order downstream).
-- Per customer, joined onto each of its rows: the receivables paid in the period (general_ledger debits on
-- 1200 Accounts Receivable with assignment = customer_id, cleared in the period), their days from invoice
-- (document_date) to payment (clearing_date), and how many were paid by their due date = invoice date + the
-- order's payment terms (NETnn; the customer's latest terms for receivables carried over without an order).
WITH bounds AS (
    SELECT date_trunc('year', %(as_of)s)::date AS first_day, %(as_of)s::date AS last_day
),
sales AS (
    SELECT o.customer_id,
           l.plant_id AS factory_id,
           l.product_id,
           SUM(COALESCE(l.net_price, 0)) AS ytd_sales_amount,
           SUM(l.order_quantity) AS ytd_units,
           MAX(o.order_date) AS last_order_date,
           array_agg(DISTINCT o.sales_order_id) AS order_ids
    FROM sales_orders o
    JOIN sales_order_lines l ON l.sales_order_id = o.sales_order_id
    CROSS JOIN bounds b
    WHERE o.order_date >= b.first_day AND o.order_date <= b.last_day
      AND o.order_status IS DISTINCT FROM 'cancelled'
      AND l.line_status IS DISTINCT FROM 'cancelled'
      AND NOT COALESCE(l.deletion_indicator, false)
    GROUP BY o.customer_id, l.plant_id, l.product_id
),
terms AS (
    SELECT sales_order_id, customer_id, order_date, substring(payment_terms FROM '[0-9]+')::int AS terms_days
    FROM sales_orders
),
latest_terms AS (  -- per customer, the terms of its latest order that has terms
    SELECT DISTINCT ON (customer_id) customer_id, terms_days
    FROM terms
    WHERE terms_days IS NOT NULL
    ORDER BY customer_id, order_date DESC, sales_order_id DESC
),
paid AS (
    SELECT g.assignment AS customer_id,
           COUNT(*) AS receivables_paid,
           SUM(g.clearing_date - g.document_date) AS payment_days,
           COUNT(*) FILTER (WHERE COALESCE(t.terms_days, latest.terms_days) IS NOT NULL) AS receivables_with_terms,
           COUNT(*) FILTER (
               WHERE g.clearing_date <= g.document_date + COALESCE(t.terms_days, latest.terms_days)
           ) AS paid_on_time
    FROM general_ledger g
    CROSS JOIN bounds b
    LEFT JOIN terms t ON t.sales_order_id = g.reference_document
    LEFT JOIN latest_terms latest ON latest.customer_id = g.assignment
    WHERE g.gl_account = '1200'
      AND g.debit_amount > 0
      AND g.assignment IS NOT NULL
      AND g.cleared
      AND g.clearing_date >= b.first_day AND g.clearing_date <= b.last_day
    GROUP BY g.assignment
)
SELECT COALESCE(s.customer_id, p.customer_id) AS customer_id,
       s.factory_id,
       s.product_id,
       COALESCE(s.ytd_sales_amount, 0) AS ytd_sales_amount,
       COALESCE(s.ytd_units, 0) AS ytd_units,
       s.last_order_date,
       COALESCE(s.order_ids, ARRAY[]::varchar[]) AS order_ids,
       COALESCE(p.receivables_paid, 0) AS receivables_paid,
       COALESCE(p.payment_days, 0) AS payment_days,
       COALESCE(p.receivables_with_terms, 0) AS receivables_with_terms,
       COALESCE(p.paid_on_time, 0) AS paid_on_time
FROM sales s
FULL JOIN paid p ON p.customer_id = s.customer_id
