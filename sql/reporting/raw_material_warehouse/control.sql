-- Control total of raw_material_warehouse.stock_quantity: per day of the window, the ERP stock of the bought
-- materials (no product_id) at the end of the day, computed per material and plant (an independent path: the
-- table works per storage location): the plant's balances today (all its storage locations) minus the net
-- movements of the material at the plant posted after the day (101, 262, 701 in; 122, 261, 551, 601, 702 out;
-- 3xx transfers between storage locations of a plant change no plant total), rounded as stored.
WITH plant_stock AS (
    SELECT b.material_id, b.plant_id,
           SUM(COALESCE(b.unrestricted_stock, 0) + COALESCE(b.quality_inspection_stock, 0)
               + COALESCE(b.blocked_stock, 0)) AS quantity
    FROM inventory_balances b
    JOIN materials m ON m.material_id = b.material_id AND m.product_id IS NULL
    GROUP BY b.material_id, b.plant_id
)
SELECT %(start_date)s::date + i AS report_date,
       SUM(ROUND(s.quantity - COALESCE(later.quantity, 0), 3)) AS stock_quantity
FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
CROSS JOIN plant_stock s
LEFT JOIN LATERAL (
    SELECT SUM(CASE WHEN t.movement_type IN ('101', '262', '701') THEN t.quantity
                    WHEN t.movement_type IN ('122', '261', '551', '601', '702') THEN -t.quantity
                    ELSE 0 END) AS quantity
    FROM inventory_transactions t
    WHERE t.material_id = s.material_id AND t.plant_id = s.plant_id
      AND t.posting_date > %(start_date)s::date + i AND NOT COALESCE(t.cancelled, false)
) AS later ON true
GROUP BY 1
