-- maintenance_performance_daily, genims_master_db part: factory names.
SELECT factory_id, factory_name FROM factories
