-- demand_forecast_vs_actual, genims_master_db part: the product dimension (names next to ids).
SELECT product_id, product_name, product_category
FROM products
