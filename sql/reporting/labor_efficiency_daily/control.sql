-- Control total of labor_efficiency_daily.worked_hours: actual_hours of all HCM attendance records of the day.
SELECT attendance_date AS report_date, SUM(COALESCE(actual_hours, 0)) AS worked_hours
FROM attendance_records
WHERE attendance_date >= %(start_date)s AND attendance_date < %(end_date)s
GROUP BY attendance_date
