-- raw_material_warehouse, genims_erp_db part: per warehouse (storage_location), bought material (no product_id:
-- raw materials, components, packaging) and day of the window, the ERP stock at the end of the day, the day's
-- receipts and issues, and turnover over the 365 days ending the day.
-- Stock at the end of a day = today's balance (unrestricted + quality inspection + blocked) minus the net movements
-- posted after that day: 101, 262, 701 add; 122, 261, 551, 601, 702 take away; 3xx move stock from storage_location
-- to receiving_storage_location. Receipts = 101 and 262, issues = 122, 261 and 601 (adjustments, scrap and
-- transfers are in neither). A material gets a row on a day with stock or a movement in the 30 days ending it.
--   inventory_turnover = issues of the 365 days ending the day / average end-of-day stock of those days
--   days_of_supply     = stock / (issues of the 30 days / 30)
WITH rm AS (
    SELECT material_id, material_name, material_type, base_unit_of_measure, safety_stock, maximum_stock,
           reorder_point, moving_average_cost
    FROM materials
    WHERE product_id IS NULL
),
moves AS (
    SELECT COALESCE(t.storage_location, 'UNASSIGNED') AS warehouse_id, t.material_id, t.posting_date, t.quantity,
           CASE WHEN t.movement_type IN ('101', '262') THEN 'receipt'
                WHEN t.movement_type IN ('122', '261', '601') THEN 'issue' END AS class,
           CASE WHEN t.movement_type IN ('101', '262', '701') THEN 1
                WHEN t.movement_type IN ('122', '261', '551', '601', '702') OR t.movement_type LIKE '3%%' THEN -1
                ELSE 0 END AS sign
    FROM inventory_transactions t
    JOIN rm ON rm.material_id = t.material_id
    WHERE t.posting_date >= %(start_date)s::date - 364 AND NOT COALESCE(t.cancelled, false)
    UNION ALL
    SELECT COALESCE(t.receiving_storage_location, t.storage_location, 'UNASSIGNED'), t.material_id, t.posting_date,
           t.quantity, NULL, 1
    FROM inventory_transactions t
    JOIN rm ON rm.material_id = t.material_id
    WHERE t.posting_date >= %(start_date)s::date - 364 AND NOT COALESCE(t.cancelled, false)
      AND t.movement_type LIKE '3%%'
),
daily AS (
    SELECT warehouse_id, material_id, posting_date AS day, COUNT(*) AS movements,
           SUM(sign * quantity) AS net_quantity,
           COALESCE(SUM(quantity) FILTER (WHERE class = 'receipt'), 0) AS receipts_quantity,
           COALESCE(SUM(quantity) FILTER (WHERE class = 'issue'), 0) AS issues_quantity
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
    JOIN rm ON rm.material_id = b.material_id
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
grid AS (  -- the window's days, with the stock at the end of each
    SELECT k.warehouse_id, k.material_id, %(start_date)s::date + i AS day,
           COALESCE(b.quantity, 0) - COALESCE(l.quantity, 0) - COALESCE(SUM(f.net_quantity) OVER (
               PARTITION BY k.warehouse_id, k.material_id ORDER BY i
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0) AS stock_quantity,
           COALESCE(f.receipts_quantity, 0) AS receipts_quantity,
           COALESCE(f.issues_quantity, 0) AS issues_quantity,
           b.moving_average_price
    FROM keys k
    CROSS JOIN generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
    LEFT JOIN balance b ON b.warehouse_id = k.warehouse_id AND b.material_id = k.material_id
    LEFT JOIN later l ON l.warehouse_id = k.warehouse_id AND l.material_id = k.material_id
    LEFT JOIN (SELECT * FROM daily WHERE day >= %(start_date)s) f  -- not the year before: it is not joined
           ON f.warehouse_id = k.warehouse_id AND f.material_id = k.material_id AND f.day = %(start_date)s::date + i
),
stream AS (  -- per key, the movement days of the 365 days before the window and in it, and the window's days.
            -- A window shorter than 336 days (the hourly refresh: 2): the movement days from end - 365 to 30 days
            -- before the window, in the 365 days of every window day and in none's 30 days, become one row
            -- dated start - 30 with their sums (net x day included), so the window sums below go over ~35 rows
            -- a key instead of a year's; the totals are the same.
    SELECT warehouse_id, material_id, day, movements, net_quantity,
           net_quantity * (day - DATE '2000-01-01') AS net_day_product, issues_quantity, false AS on_grid,
           NULL::numeric AS stock_quantity, NULL::numeric AS receipts_of_day, NULL::numeric AS issues_of_day,
           NULL::numeric AS moving_average_price
    FROM daily
    WHERE day < %(end_date)s::date - 365 OR day >= %(start_date)s::date - 29
    UNION ALL
    SELECT warehouse_id, material_id, %(start_date)s::date - 30, SUM(movements), SUM(net_quantity),
           SUM(net_quantity * (day - DATE '2000-01-01')), SUM(issues_quantity), false,
           NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric
    FROM daily
    WHERE day >= %(end_date)s::date - 365 AND day < %(start_date)s::date - 29
    GROUP BY warehouse_id, material_id
    UNION ALL
    SELECT warehouse_id, material_id, day, 0, 0, 0, 0, true,
           stock_quantity, receipts_quantity, issues_quantity, moving_average_price
    FROM grid
),
rolling AS (  -- the 365 (30) days ending each day, as window sums over the stream (a day's rows are peers); the
              -- average stock of the 365 days, from the day's stock back: each movement m of those days was not
              -- yet in the stock of (m's day - first day) of them, i.e. SUM(net x (m.day - (day - 364))) / 365
    SELECT warehouse_id, material_id, day, on_grid, stock_quantity, receipts_of_day, issues_of_day,
           moving_average_price,
           SUM(issues_quantity) OVER last_365 AS issues_365d,
           (SUM(net_day_product) OVER last_365
            - SUM(net_quantity) OVER last_365 * (day - 364 - DATE '2000-01-01')) / 365.0 AS later_net_average,
           SUM(issues_quantity) OVER last_30 AS issues_30d,
           SUM(movements) OVER last_30 AS movements_30d
    FROM stream
    WINDOW last_365 AS (PARTITION BY warehouse_id, material_id ORDER BY day
                        RANGE BETWEEN '364 days'::interval PRECEDING AND CURRENT ROW),
           last_30 AS (PARTITION BY warehouse_id, material_id ORDER BY day
                       RANGE BETWEEN '29 days'::interval PRECEDING AND CURRENT ROW)
)
SELECT r.warehouse_id,
       r.material_id,
       r.day AS report_date,
       rm.material_name,
       rm.material_type,
       rm.base_unit_of_measure AS unit_of_measure,
       ROUND(r.stock_quantity, 3) AS stock_quantity,
       rm.safety_stock AS min_stock_quantity,
       rm.maximum_stock AS max_stock_quantity,
       rm.reorder_point AS reorder_point_quantity,
       CASE WHEN r.stock_quantity <= rm.reorder_point THEN 1 ELSE 0 END AS is_below_reorder_point,
       ROUND(r.receipts_of_day, 3) AS receipts_quantity,
       ROUND(r.issues_of_day, 3) AS issues_quantity,
       ROUND(r.stock_quantity * COALESCE(r.moving_average_price, rm.moving_average_cost, 0), 2) AS stock_value,
       r.issues_365d / NULLIF(r.stock_quantity - r.later_net_average, 0) AS inventory_turnover,
       r.stock_quantity / NULLIF(r.issues_30d / 30.0, 0) AS days_of_supply
FROM rolling r
JOIN rm ON rm.material_id = r.material_id
WHERE r.on_grid AND (r.stock_quantity <> 0 OR r.movements_30d > 0)
