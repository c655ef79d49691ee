-- finished_goods_warehouse, genims_master_db part: the product dimension (names next to ids).
SELECT product_id, product_name FROM products
