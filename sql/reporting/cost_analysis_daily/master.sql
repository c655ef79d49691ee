-- cost_analysis_daily, genims_master_db part: product and factory names.
SELECT 'product' AS kind, product_id AS id, product_name AS name
FROM products
UNION ALL
SELECT 'factory', factory_id, factory_name
FROM factories
