-- energy_consumption_daily, genims_master_db part: the line dimension (names next to ids).
SELECT l.line_id, l.line_name, l.factory_id, f.factory_name
FROM production_lines l
LEFT JOIN factories f ON f.factory_id = l.factory_id
