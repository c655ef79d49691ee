-- labor_efficiency_daily, genims_hcm_db part: attendance records per factory (the employee's primary factory),
-- attendance_date (the day the shift starts) and shift: employees scheduled (one record per employee and day),
-- present (actual_hours > 0), late (late_minutes > 0), and scheduled / worked / regular / overtime hours.
SELECT e.primary_factory_id AS factory_id,
       a.attendance_date AS report_date,
       a.shift_id,
       COUNT(*) AS employees_scheduled,
       COUNT(*) FILTER (WHERE a.actual_hours > 0) AS employees_present,
       COUNT(*) FILTER (WHERE a.late_minutes > 0) AS late_arrivals,
       SUM(COALESCE(a.scheduled_hours, 0)) AS scheduled_hours,
       SUM(COALESCE(a.actual_hours, 0)) AS worked_hours,
       SUM(COALESCE(a.regular_hours, 0)) AS regular_hours,
       SUM(COALESCE(a.overtime_hours, 0)) AS overtime_hours
FROM attendance_records a
LEFT JOIN employees e ON e.employee_id = a.employee_id
WHERE a.attendance_date >= %(start_date)s AND a.attendance_date < %(end_date)s
GROUP BY e.primary_factory_id, a.attendance_date, a.shift_id
