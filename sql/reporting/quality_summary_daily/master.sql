-- quality_summary_daily, genims_master_db part: product and factory names (one row per product, factory pair).
SELECT p.product_id, p.product_name, p.product_category, f.factory_id, f.factory_name
FROM products p
CROSS JOIN factories f
