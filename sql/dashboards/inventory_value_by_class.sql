-- Inventory dashboard: what is plant %(factory_id)s's stock worth now, per warehouse and ABC class, and how much of
-- it is out of balance?
-- Parameters: %(factory_id)s = the plant (e.g. FAC-0001); the latest snapshot.
-- Per warehouse and class: materials, stock value (moving average) and at standard cost, materials below safety
-- stock or below reorder point, overstock materials (above maximum stock) and their value.
-- Served by the PRIMARY KEY (snapshot_date, factory_id, warehouse_id, material_id): MAX(snapshot_date) is read off
-- the end of the index, then an equality on its first two columns reads only the plant's materials of that day.
-- Company-wide, per plant and class over every plant, the same roll-up reads every material in stock of the day
-- (22.5k rows at scale 10, 19 ms even through a covering index): the dashboard has a plant selector.
SELECT warehouse_id,
       MAX(warehouse_name) AS warehouse_name,
       COALESCE(abc_class, '-') AS abc_class,
       COUNT(*) AS materials,
       SUM(inventory_value) AS inventory_value,
       SUM(standard_cost_value) AS standard_cost_value,
       SUM(reorder_status = 'below_safety_stock') AS below_safety_stock,
       SUM(reorder_status = 'below_reorder_point') AS below_reorder_point,
       SUM(reorder_status = 'overstock') AS overstock,
       SUM(CASE WHEN reorder_status = 'overstock' THEN inventory_value ELSE 0 END) AS overstock_value
FROM inventory_value_summary
WHERE snapshot_date = (SELECT MAX(snapshot_date) FROM inventory_value_summary)
  AND factory_id = %(factory_id)s
GROUP BY inventory_value_summary.warehouse_id, inventory_value_summary.abc_class
ORDER BY inventory_value_summary.warehouse_id, inventory_value_summary.abc_class
