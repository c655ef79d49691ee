-- Inventory dashboard: which finished products were short in their warehouse at the end of %(day)s, worst first?
-- Parameters: %(day)s = the day (DATE, UTC), %(limit)s = how many rows to list.
-- Per warehouse and product that was stocked out, below safety stock or stocked out on any of the 30 days ending
-- the day: stock, reserved and available quantity, safety stock, the stock-out days of the 30 and the stock value.
-- Served by the PRIMARY KEY (report_date, warehouse_id, product_id): an equality on its first column reads one
-- day's rows (one per warehouse and product kept) from one partition; the sort is over those few rows.
SELECT warehouse_id,
       warehouse_name,
       product_id,
       product_name,
       stock_quantity,
       reserved_quantity,
       available_quantity,
       safety_stock_quantity,
       is_stocked_out,
       is_below_safety_stock,
       stockout_days_30d,
       stock_value
FROM finished_goods_warehouse
WHERE report_date = %(day)s
  AND (is_stocked_out = 1 OR is_below_safety_stock = 1 OR stockout_days_30d > 0)
ORDER BY stockout_days_30d DESC, is_stocked_out DESC, available_quantity, warehouse_id, product_id
LIMIT %(limit)s
