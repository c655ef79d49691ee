-- safety_compliance_daily, genims_hcm_db part: per factory and day of the window, over the factories of the HCM
-- employees, incidents and training sessions:
--   incidents of the day (safety_incidents.incident_date; factory = the incident's, else its employee's) by
--   type and severity; lost time = days_away_from_work > 0; recordable = osha_recordable;
--   exposure hours = actual_hours of the attendance records of the factory's employees (primary factory);
--   the rolling 12-month rates use the incidents and hours of the 365 days ending the day;
--   days since the last lost-time incident on or before the day (NULL when there is none on record);
--   training attended on the day (training_enrollments.attendance_date; factory = the session's, else the
--   employee's): hours, distinct employees, and enrollments completed on the day (completion_date).
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
incidents AS (
    SELECT COALESCE(s.factory_id, e.primary_factory_id) AS factory_id, s.incident_date,
           s.incident_type, s.severity, COALESCE(s.days_away_from_work, 0) AS days_away,
           COALESCE(s.osha_recordable, false) AS recordable
    FROM safety_incidents s
    LEFT JOIN employees e ON e.employee_id = s.employee_id
),
hours AS (
    SELECT e.primary_factory_id AS factory_id, a.attendance_date, SUM(COALESCE(a.actual_hours, 0)) AS hours_worked
    FROM attendance_records a
    LEFT JOIN employees e ON e.employee_id = a.employee_id
    WHERE a.attendance_date > %(start_date)s::date - 365 AND a.attendance_date < %(end_date)s
    GROUP BY e.primary_factory_id, a.attendance_date
),
training AS (
    SELECT COALESCE(t.factory_id, e.primary_factory_id) AS factory_id, n.attendance_date AS report_date,
           SUM(COALESCE(n.attendance_hours, 0)) AS training_hours,
           COUNT(DISTINCT n.employee_id) AS employees_trained
    FROM training_enrollments n
    LEFT JOIN training_schedules t ON t.schedule_id = n.schedule_id
    LEFT JOIN employees e ON e.employee_id = n.employee_id
    WHERE n.attended AND n.attendance_date >= %(start_date)s AND n.attendance_date < %(end_date)s
    GROUP BY COALESCE(t.factory_id, e.primary_factory_id), n.attendance_date
),
completions AS (
    SELECT COALESCE(t.factory_id, e.primary_factory_id) AS factory_id, n.completion_date AS report_date,
           COUNT(*) AS training_completions
    FROM training_enrollments n
    LEFT JOIN training_schedules t ON t.schedule_id = n.schedule_id
    LEFT JOIN employees e ON e.employee_id = n.employee_id
    WHERE n.completion_status = 'completed'
      AND n.completion_date >= %(start_date)s AND n.completion_date < %(end_date)s
    GROUP BY COALESCE(t.factory_id, e.primary_factory_id), n.completion_date
),
factories AS (
    SELECT primary_factory_id AS factory_id FROM employees
    UNION SELECT factory_id FROM incidents
    UNION SELECT factory_id FROM training
    UNION SELECT factory_id FROM completions
)
SELECT f.factory_id,
       d.report_date,
       day_incidents.incident_count,
       day_incidents.near_miss_count,
       day_incidents.minor_incidents,
       day_incidents.moderate_incidents,
       day_incidents.serious_incidents,
       day_incidents.fatal_incidents,
       day_incidents.lost_time_incidents,
       day_incidents.recordable_incidents,
       day_incidents.days_away_from_work,
       COALESCE(day_hours.hours_worked, 0) AS hours_worked,
       year_incidents.lost_time_incidents AS lost_time_incidents_12m,
       year_incidents.recordable_incidents AS recordable_incidents_12m,
       COALESCE(year_hours.hours_worked, 0) AS hours_worked_12m,
       d.report_date - last_lti.incident_date AS days_since_lost_time_incident,
       COALESCE(t.training_hours, 0) AS training_hours,
       COALESCE(c.training_completions, 0) AS training_completions,
       COALESCE(t.employees_trained, 0) AS employees_trained
FROM factories f
CROSS JOIN days d
CROSS JOIN LATERAL (
    SELECT COUNT(*) AS incident_count,
           COUNT(*) FILTER (WHERE i.incident_type = 'near_miss') AS near_miss_count,
           COUNT(*) FILTER (WHERE i.severity = 'minor') AS minor_incidents,
           COUNT(*) FILTER (WHERE i.severity = 'moderate') AS moderate_incidents,
           COUNT(*) FILTER (WHERE i.severity = 'serious') AS serious_incidents,
           COUNT(*) FILTER (WHERE i.severity = 'fatal') AS fatal_incidents,
           COUNT(*) FILTER (WHERE i.days_away > 0) AS lost_time_incidents,
           COUNT(*) FILTER (WHERE i.recordable) AS recordable_incidents,
           COALESCE(SUM(i.days_away), 0) AS days_away_from_work
    FROM incidents i
    WHERE i.factory_id IS NOT DISTINCT FROM f.factory_id AND i.incident_date = d.report_date
) day_incidents
CROSS JOIN LATERAL (
    SELECT COUNT(*) FILTER (WHERE i.days_away > 0) AS lost_time_incidents,
           COUNT(*) FILTER (WHERE i.recordable) AS recordable_incidents
    FROM incidents i
    WHERE i.factory_id IS NOT DISTINCT FROM f.factory_id
      AND i.incident_date > d.report_date - 365 AND i.incident_date <= d.report_date
) year_incidents
LEFT JOIN hours day_hours
       ON day_hours.factory_id IS NOT DISTINCT FROM f.factory_id AND day_hours.attendance_date = d.report_date
LEFT JOIN LATERAL (
    SELECT SUM(h.hours_worked) AS hours_worked
    FROM hours h
    WHERE h.factory_id IS NOT DISTINCT FROM f.factory_id
      AND h.attendance_date > d.report_date - 365 AND h.attendance_date <= d.report_date
) year_hours ON true
LEFT JOIN LATERAL (
    SELECT MAX(i.incident_date) AS incident_date
    FROM incidents i
    WHERE i.factory_id IS NOT DISTINCT FROM f.factory_id AND i.days_away > 0 AND i.incident_date <= d.report_date
) last_lti ON true
LEFT JOIN training t ON t.factory_id IS NOT DISTINCT FROM f.factory_id AND t.report_date = d.report_date
LEFT JOIN completions c ON c.factory_id IS NOT DISTINCT FROM f.factory_id AND c.report_date = d.report_date
