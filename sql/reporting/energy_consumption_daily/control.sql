-- Control total of energy_consumption_daily.energy_kwh, computed the other way SCADA allows: SUM of each shift
-- row's average power_consumption_kw x 8 h over the rows stamped in the day (the meter increase equals it).
SELECT "timestamp"::date AS report_date, SUM(COALESCE(power_consumption_kw, 0) * 8) AS energy_kwh
FROM scada_machine_data
WHERE "timestamp" >= %(start)s AND "timestamp" < %(end)s
GROUP BY "timestamp"::date
