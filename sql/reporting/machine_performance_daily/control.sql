-- Control total of machine_performance_daily.units_produced: parts produced per day in SCADA.
SELECT "timestamp"::date AS report_date, SUM(COALESCE(parts_produced_shift, 0)) AS units_produced
FROM scada_machine_data
WHERE "timestamp" >= %(start)s AND "timestamp" < %(end)s
GROUP BY "timestamp"::date
