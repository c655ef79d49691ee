-- mrp_shortage_summary, genims_master_db part: the plant dimension (MRP plant = factory).
SELECT factory_id AS plant_id, factory_name AS plant_name
FROM factories
