-- Operations dashboard: which machines of factory %(factory_id)s lost the most time this week (the 7 days ending
-- %(end_date)s), and to what (a Pareto of downtime)?
-- Parameters: %(factory_id)s = the plant (e.g. FAC-0001); %(end_date)s = the last day (DATE, UTC); %(limit)s = how
-- many machines to list.
-- Per machine: downtime minutes, its unplanned part and the split by category, incidents and faults, MTBF (runtime
-- hours per incident), the cost of the stops, and the share of all the plant's downtime of those days.
-- Served by idx_downtime_summary_daily_factory_id_date (factory_id, report_date): an equality and a range read only
-- the plant's machine-days (and only their monthly partitions). Plant-wide over every factory, the same query
-- read 60k rows for 30 days at scale 10 (130 ms): a Pareto is a plant's tool.
SELECT machine_id,
       MAX(machine_name) AS machine_name,
       MAX(line_name) AS line_name,
       MAX(factory_name) AS factory_name,
       SUM(downtime_minutes) AS downtime_minutes,
       SUM(unplanned_downtime_minutes) AS unplanned_downtime_minutes,
       SUM(mechanical_downtime_minutes) AS mechanical_minutes,
       SUM(electrical_downtime_minutes) AS electrical_minutes,
       SUM(hydraulic_downtime_minutes) + SUM(pneumatic_downtime_minutes) AS fluid_power_minutes,
       SUM(control_downtime_minutes) AS control_minutes,
       SUM(quality_downtime_minutes) AS quality_minutes,
       SUM(other_downtime_minutes) AS other_minutes,
       SUM(incident_count) AS incidents,
       SUM(fault_count) AS faults,
       SUM(critical_fault_count) AS critical_faults,
       ROUND(SUM(runtime_minutes) / 60 / NULLIF(SUM(incident_count), 0), 3) AS mtbf_hours,
       SUM(downtime_cost) AS downtime_cost,
       ROUND(100 * SUM(downtime_minutes) / NULLIF(SUM(SUM(downtime_minutes)) OVER (), 0), 3) AS share_of_downtime_pct
FROM downtime_summary_daily
WHERE factory_id = %(factory_id)s
  AND report_date > %(end_date)s - INTERVAL 7 DAY AND report_date <= %(end_date)s
GROUP BY machine_id
ORDER BY downtime_minutes DESC, machine_id
LIMIT %(limit)s
