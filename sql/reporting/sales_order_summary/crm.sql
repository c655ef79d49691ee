-- sales_order_summary, genims_crm_db part: the sales reps (with their employee id and territory) and the customer
-- accounts each owns. A rep without accounts has one row with customer_id NULL; an account whose owner is not a
-- rep has sales_rep_id = its owner and no name. account_id = master customer_id (crm convention).
SELECT COALESCE(r.sales_rep_id, a.account_owner) AS sales_rep_id,
       r.employee_id,
       NULLIF(TRIM(CONCAT_WS(' ', r.first_name, r.last_name)), '') AS sales_rep_name,
       r.territory_id,
       a.account_id AS customer_id
FROM sales_reps r
FULL JOIN accounts a ON a.account_owner = r.sales_rep_id
WHERE r.sales_rep_id IS NOT NULL OR a.account_owner IS NOT NULL
