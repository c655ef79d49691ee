-- labor_efficiency_daily, genims_master_db part: factory names and each factory's shifts (shift_id -> shift_name,
-- shift_a/b/c being the morning/afternoon/night columns); a factory without shifts has one row with shift_id NULL.
SELECT f.factory_id, f.factory_name, s.shift_id, s.shift_name
FROM factories f
LEFT JOIN shifts s ON s.factory_id = f.factory_id
