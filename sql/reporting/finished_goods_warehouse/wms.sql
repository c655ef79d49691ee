-- finished_goods_warehouse, genims_wms_db part: the warehouses (names next to ids) and, per warehouse, material
-- and day of the window and the 29 days before it, the quantity reserved at the end of the day: open allocations
-- (not cancelled or released; allocated - picked) made before the end of the day. material_id is NULL for a
-- warehouse without reservations.
SELECT w.warehouse_id, w.warehouse_name, r.material_id, r.report_date, r.reserved_quantity
FROM warehouses w
LEFT JOIN (
    SELECT a.location_id AS warehouse_id, a.material_id, %(start_date)s::date + i AS report_date,
           SUM(GREATEST(a.allocated_quantity - COALESCE(a.picked_quantity, 0), 0)) AS reserved_quantity
    FROM inventory_allocations a
    JOIN generate_series(-29, %(end_date)s::date - %(start_date)s::date - 1) AS i
      ON a.allocation_date < (%(start_date)s::date + i + 1)::timestamp
    WHERE a.allocation_date < %(end)s AND a.allocation_status NOT IN ('cancelled', 'released')
    GROUP BY 1, 2, 3
) r ON r.warehouse_id = w.warehouse_id
