-- finished_goods_warehouse, genims_erp_db part: end-of-day ERP stock of every finished product (materials with a
-- product_id) per warehouse (storage_location) and day, for the window and the 29 days before it (the transform
-- counts stock-out days over 30 days). Stock at the end of a day = today's balance (unrestricted + quality
-- inspection + blocked) minus the net movements posted after that day; movement types 101, 262, 701 add,
-- 122, 261, 551, 601, 702 take away, 3xx move stock from storage_location to receiving_storage_location.
-- active: stock at the end of the day, or a movement in the 30 days ending it (products a warehouse keeps).
-- Aging (window days only), first in first out: the stock is the latest receipts (101, 262): received 0-30 days
-- before the day, then 31-60, 61-90; the rest is older than 90 days.
WITH fg AS (
    SELECT material_id, product_id, material_name, safety_stock, moving_average_cost
    FROM materials
    WHERE product_id IS NOT NULL
),
moves AS (
    SELECT COALESCE(t.storage_location, 'UNASSIGNED') AS warehouse_id, t.material_id, t.posting_date,
           t.quantity, t.movement_type IN ('101', '262') AS is_receipt,
           CASE WHEN t.movement_type IN ('101', '262', '701') THEN 1
                WHEN t.movement_type IN ('122', '261', '551', '601', '702') OR t.movement_type LIKE '3%%' THEN -1
                ELSE 0 END AS sign
    FROM inventory_transactions t
    JOIN fg ON fg.material_id = t.material_id
    WHERE t.posting_date >= %(start_date)s::date - 120 AND NOT COALESCE(t.cancelled, false)
    UNION ALL
    SELECT COALESCE(t.receiving_storage_location, t.storage_location, 'UNASSIGNED'), t.material_id, t.posting_date,
           t.quantity, false, 1
    FROM inventory_transactions t
    JOIN fg ON fg.material_id = t.material_id
    WHERE t.posting_date >= %(start_date)s::date - 120 AND NOT COALESCE(t.cancelled, false)
      AND t.movement_type LIKE '3%%'
),
daily AS (
    SELECT warehouse_id, material_id, posting_date AS day, COUNT(*) AS movements,
           SUM(sign * quantity) AS net_quantity,
           COALESCE(SUM(quantity) FILTER (WHERE is_receipt), 0) AS receipts_quantity
    FROM moves
    WHERE posting_date < %(end_date)s
    GROUP BY 1, 2, 3
),
balance AS (
    SELECT COALESCE(b.storage_location, 'UNASSIGNED') AS warehouse_id, b.material_id,
           SUM(COALESCE(b.unrestricted_stock, 0) + COALESCE(b.quality_inspection_stock, 0)
               + COALESCE(b.blocked_stock, 0)) AS quantity,
           MAX(b.moving_average_price) AS moving_average_price
    FROM inventory_balances b
    JOIN fg ON fg.material_id = b.material_id
    GROUP BY 1, 2
),
later AS (
    SELECT warehouse_id, material_id, SUM(sign * quantity) AS quantity
    FROM moves
    WHERE posting_date >= %(end_date)s
    GROUP BY 1, 2
),
keys AS (
    SELECT warehouse_id, material_id FROM balance
    UNION
    SELECT warehouse_id, material_id FROM daily WHERE day >= %(start_date)s::date - 29
    UNION
    SELECT warehouse_id, material_id FROM later
),
grid AS (
    SELECT k.warehouse_id, k.material_id, %(start_date)s::date + i AS day,
           COALESCE(b.quantity, 0) - COALESCE(l.quantity, 0) - COALESCE(SUM(f.net_quantity) OVER (
               PARTITION BY k.warehouse_id, k.material_id ORDER BY i
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) AS stock_quantity,
           SUM(COALESCE(f.movements, 0)) OVER (
               PARTITION BY k.warehouse_id, k.material_id ORDER BY i ROWS BETWEEN 29 PRECEDING AND CURRENT ROW
           ) AS movements_30d,
           b.moving_average_price
    FROM keys k
    CROSS JOIN generate_series(-29, %(end_date)s::date - %(start_date)s::date - 1) AS i
    LEFT JOIN balance b ON b.warehouse_id = k.warehouse_id AND b.material_id = k.material_id
    LEFT JOIN later l ON l.warehouse_id = k.warehouse_id AND l.material_id = k.material_id
    LEFT JOIN daily f
           ON f.warehouse_id = k.warehouse_id AND f.material_id = k.material_id AND f.day = %(start_date)s::date + i
),
received AS (  -- receipts by age band, for the window days
    SELECT g.warehouse_id, g.material_id, g.day,
           COALESCE(SUM(f.receipts_quantity) FILTER (WHERE f.day >= g.day - 30), 0) AS r0,
           COALESCE(SUM(f.receipts_quantity) FILTER (WHERE f.day < g.day - 30 AND f.day >= g.day - 60), 0) AS r1,
           COALESCE(SUM(f.receipts_quantity) FILTER (WHERE f.day < g.day - 60), 0) AS r2
    FROM grid g
    JOIN daily f ON f.warehouse_id = g.warehouse_id AND f.material_id = g.material_id
                AND f.day <= g.day AND f.day >= g.day - 90
    WHERE g.day >= %(start_date)s
    GROUP BY 1, 2, 3
),
aged AS (
    SELECT g.*, GREATEST(g.stock_quantity, 0) AS s,
           LEAST(GREATEST(g.stock_quantity, 0), COALESCE(r.r0, 0)) AS a0,
           COALESCE(r.r1, 0) AS r1, COALESCE(r.r2, 0) AS r2
    FROM grid g
    LEFT JOIN received r ON r.warehouse_id = g.warehouse_id AND r.material_id = g.material_id AND r.day = g.day
),
aged2 AS (
    SELECT a.*, LEAST(a.s - a.a0, a.r1) AS a1 FROM aged a
),
aged3 AS (
    SELECT a.*, LEAST(a.s - a.a0 - a.a1, a.r2) AS a2 FROM aged2 a
)
SELECT a.warehouse_id,
       fg.product_id,
       a.material_id,
       a.day AS report_date,
       fg.material_name,
       ROUND(a.stock_quantity, 3) AS stock_quantity,
       fg.safety_stock AS safety_stock_quantity,
       ROUND(a.stock_quantity * COALESCE(a.moving_average_price, fg.moving_average_cost, 0), 2) AS stock_value,
       a.stock_quantity <> 0 OR a.movements_30d > 0 AS is_active,
       ROUND(a.a0, 3) AS aging_0_30_quantity,
       ROUND(a.a1, 3) AS aging_31_60_quantity,
       ROUND(a.a2, 3) AS aging_61_90_quantity,
       ROUND(a.s - a.a0 - a.a1 - a.a2, 3) AS aging_over_90_quantity
FROM aged3 a
JOIN fg ON fg.material_id = a.material_id
