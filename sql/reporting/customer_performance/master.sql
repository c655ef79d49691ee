-- customer_performance, genims_master_db part: the names next to ids, as one dimension list:
-- kind 'customer' (name, attribute = customer_type), 'factory' (name) and 'product' (name, attribute =
-- product_category).
SELECT 'customer' AS kind, customer_id AS id, customer_name AS name, customer_type AS attribute FROM customers
UNION ALL
SELECT 'factory', factory_id, factory_name, NULL FROM factories
UNION ALL
SELECT 'product', product_id, product_name, product_category FROM products
