-- sales_order_summary, genims_master_db part: the customer dimension (names next to ids).
SELECT customer_id, customer_name, customer_type
FROM customers
