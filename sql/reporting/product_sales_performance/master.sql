-- product_sales_performance, genims_master_db part: the product dimension (name and category next to the id).
SELECT product_id, product_name, product_category
FROM products
