-- Control total of finished_goods_warehouse.stock_quantity: per day of the window, the ERP stock of the finished
-- products (materials with a product_id) at the end of the day, computed per balance: today's balance minus the
-- net movements posted after the day (101, 262, 701 in; 122, 261, 551, 601, 702 out), rounded as stored.
SELECT %(start_date)s::date + i AS report_date,
       SUM(ROUND(COALESCE(b.unrestricted_stock, 0) + COALESCE(b.quality_inspection_stock, 0)
                 + COALESCE(b.blocked_stock, 0) - COALESCE(later.quantity, 0), 3)) AS stock_quantity
FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
CROSS JOIN inventory_balances b
JOIN materials m ON m.material_id = b.material_id AND m.product_id IS NOT NULL
LEFT JOIN LATERAL (
    SELECT SUM(CASE WHEN t.movement_type IN ('101', '262', '701') THEN t.quantity
                    WHEN t.movement_type IN ('122', '261', '551', '601', '702') THEN -t.quantity
                    ELSE 0 END) AS quantity
    FROM inventory_transactions t
    WHERE t.material_id = b.material_id AND t.plant_id = b.plant_id
      AND t.posting_date > %(start_date)s::date + i AND NOT COALESCE(t.cancelled, false)
) AS later ON true
GROUP BY 1
