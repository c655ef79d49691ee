-- machine_performance_daily, genims_master_db part: the machine dimension (names next to ids).
SELECT m.machine_id, m.machine_name, m.machine_type, m.line_id, l.line_name, m.factory_id, f.factory_name
FROM machines m
LEFT JOIN production_lines l ON l.line_id = m.line_id
LEFT JOIN factories f ON f.factory_id = m.factory_id
