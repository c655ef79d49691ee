-- capex_tracking, genims_master_db part: the factory dimension (names next to ids).
SELECT factory_id, factory_name
FROM factories
