-- material_flow_daily, genims_wms_db part: warehouse movements per material, plant (the warehouse's plant_id)
-- and day of the window.
SELECT mv.material_id,
       COALESCE(w.plant_id, 'UNASSIGNED') AS factory_id,
       mv.movement_timestamp::date AS report_date,
       COUNT(*) AS warehouse_movements
FROM warehouse_movements mv
LEFT JOIN warehouses w ON w.warehouse_id = mv.warehouse_id
WHERE mv.movement_timestamp >= %(start)s AND mv.movement_timestamp < %(end)s
GROUP BY 1, 2, 3
