-- inventory_value_summary, genims_wms_db part: the warehouses (names next to ids) and, per warehouse and
-- material, the stock WMS holds reserved for orders now (material_id NULL for a warehouse without stock).
SELECT w.warehouse_id, w.warehouse_name, r.material_id, COALESCE(r.reserved_quantity, 0) AS reserved_quantity
FROM warehouses w
LEFT JOIN (
    SELECT warehouse_id, material_id, SUM(COALESCE(reserved_quantity, 0)) AS reserved_quantity
    FROM warehouse_inventory
    GROUP BY warehouse_id, material_id
) r ON r.warehouse_id = w.warehouse_id
