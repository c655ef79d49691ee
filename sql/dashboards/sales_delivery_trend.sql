-- Sales dashboard: how reliably and at what cost has factory %(factory_id)s delivered, day by day, over the last
-- %(days)s days?
-- Parameters: %(factory_id)s = the shipping factory (e.g. FAC-0001), %(days)s = how many days back from today (UTC).
-- Per day: deliveries, on-time (on or before the promise) share, late deliveries and their average delay, failed
-- attempts, cost per delivery, damage rate and the carriers' own on-time share against their estimates.
-- Served by idx_delivery_performance_factory_id_date (factory_id, report_date): an equality on the factory and a
-- range on the day read exactly the rows shown, in order.
SELECT report_date,
       deliveries_count,
       on_time_delivery_pct,
       late_deliveries,
       average_delay_days,
       failed_deliveries,
       cost_per_delivery,
       damage_rate_pct,
       carrier_on_time_pct,
       carriers_used
FROM delivery_performance
WHERE factory_id = %(factory_id)s
  AND report_date >= UTC_DATE() - INTERVAL %(days)s DAY
ORDER BY report_date
