-- returns_warranty_summary, genims_master_db part: the product dimension (the service and tms parts name products
-- by product_name, unique in master.products).
SELECT product_id, product_name, product_category
FROM products
