-- Control total of safety_compliance_daily.incident_count: HCM safety incidents per incident_date, every type.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
)
SELECT d.report_date, COUNT(s.incident_id) AS incident_count
FROM days d
LEFT JOIN safety_incidents s ON s.incident_date = d.report_date
GROUP BY d.report_date
