-- raw_material_warehouse, genims_wms_db part: the warehouse dimension (names next to ids).
SELECT warehouse_id, warehouse_name FROM warehouses
