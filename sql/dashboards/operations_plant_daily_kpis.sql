-- Operations dashboard: the plant floor day by day for factory %(factory_id)s over the last %(days)s days ending
-- %(end_date)s: output, energy, labour, safety and maintenance side by side.
-- Parameters: %(factory_id)s = the factory (e.g. FAC-0001); %(end_date)s = the last day (DATE, UTC); %(days)s = how
-- many days (e.g. 30).
-- Per day: units produced and kWh per unit with the energy cost (energy_consumption_daily), attendance and labour
-- efficiency (labor_efficiency_daily), incidents, lost-time incidents and the rolling 12-month LTIFR
-- (safety_compliance_daily), PM due / done on time, backlog and maintenance cost (maintenance_performance_daily).
-- Served by each table's (factory_id, report_date) index (idx_energy_consumption_daily_factory_id_date,
-- idx_labor_efficiency_daily_factory_id_date, idx_safety_compliance_daily_factory_id_date,
-- idx_maintenance_performance_daily_factory_id_date): an equality and a range on its two columns read only the
-- factory's rows of those days; the joins are on (report_date) between those small per-day results.
WITH energy AS (
    SELECT report_date, SUM(units_produced) AS units_produced, SUM(energy_kwh) AS energy_kwh,
           SUM(energy_cost) AS energy_cost
    FROM energy_consumption_daily
    WHERE factory_id = %(factory_id)s
      AND report_date > DATE_SUB(%(end_date)s, INTERVAL %(days)s DAY) AND report_date <= %(end_date)s
    GROUP BY report_date
),
maintenance AS (
    SELECT report_date, SUM(pm_due_count) AS pm_due, SUM(pm_completed_on_time) AS pm_on_time,
           SUM(backlog_work_orders) AS backlog_work_orders, SUM(maintenance_cost) AS maintenance_cost
    FROM maintenance_performance_daily
    WHERE factory_id = %(factory_id)s
      AND report_date > DATE_SUB(%(end_date)s, INTERVAL %(days)s DAY) AND report_date <= %(end_date)s
    GROUP BY report_date
)
SELECT s.report_date,
       COALESCE(e.units_produced, 0) AS units_produced,
       ROUND(e.energy_kwh / NULLIF(e.units_produced, 0), 4) AS kwh_per_unit,
       COALESCE(e.energy_cost, 0) AS energy_cost,
       l.attendance_pct,
       l.efficiency_pct,
       l.overtime_pct,
       s.incident_count,
       s.lost_time_incidents,
       s.ltifr_rolling_12m,
       s.days_since_lost_time_incident,
       COALESCE(m.pm_due, 0) AS pm_due,
       ROUND(100 * m.pm_on_time / NULLIF(m.pm_due, 0), 3) AS pm_compliance_pct,
       COALESCE(m.backlog_work_orders, 0) AS backlog_work_orders,
       COALESCE(m.maintenance_cost, 0) AS maintenance_cost
FROM safety_compliance_daily s
LEFT JOIN labor_efficiency_daily l ON l.factory_id = s.factory_id AND l.report_date = s.report_date
LEFT JOIN energy e ON e.report_date = s.report_date
LEFT JOIN maintenance m ON m.report_date = s.report_date
WHERE s.factory_id = %(factory_id)s
  AND s.report_date > DATE_SUB(%(end_date)s, INTERVAL %(days)s DAY) AND s.report_date <= %(end_date)s
ORDER BY s.report_date
