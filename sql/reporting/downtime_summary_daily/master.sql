-- downtime_summary_daily, genims_master_db part: the machine dimension (names next to ids); it also gives each
-- line its machines, to which a line-wide MES stop is given.
SELECT m.machine_id, m.machine_name, m.line_id, l.line_name, m.factory_id, f.factory_name
FROM machines m
LEFT JOIN production_lines l ON l.line_id = m.line_id
LEFT JOIN factories f ON f.factory_id = m.factory_id
