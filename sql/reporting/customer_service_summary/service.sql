-- customer_service_summary, genims_service_db part: per customer account (account_id = master customer_id) and day.
--   opened: tickets created on the day, the critical or urgent ones among them;
--   closed: tickets closed on the day (closed_datetime), those without resolution_sla_breached, their average
--   resolution_time_minutes / 60 and csat_rating, and those that had been reopened (reopened_count > 0: the source
--   keeps no reopen time, so a reopened ticket counts on the day it is finally closed);
--   responded: tickets first responded on the day, those within response_due_datetime (else not
--   response_sla_breached), their average first_response_time_minutes;
--   escalations: ticket_escalations on the day; open_tickets: created by the end of the day, not closed by then.
WITH days AS (
    SELECT %(start_date)s::date + i AS report_date
    FROM generate_series(0, %(end_date)s::date - %(start_date)s::date - 1) AS i
),
opened AS (
    SELECT account_id,
           created_at::date AS report_date,
           COUNT(*) AS tickets_opened,
           COUNT(*) FILTER (WHERE priority IN ('critical', 'urgent')) AS critical_tickets
    FROM service_tickets
    WHERE created_at >= %(start)s AND created_at < %(end)s
    GROUP BY account_id, created_at::date
),
closed AS (
    SELECT account_id,
           closed_datetime::date AS report_date,
           COUNT(*) AS tickets_closed,
           COUNT(*) FILTER (WHERE NOT COALESCE(resolution_sla_breached, false)) AS resolution_sla_met,
           AVG(resolution_time_minutes) / 60.0 AS mean_time_to_resolve_hours,
           AVG(csat_rating) AS avg_csat_rating,
           COUNT(*) FILTER (WHERE reopened_count > 0) AS reopened_tickets
    FROM service_tickets
    WHERE closed_datetime >= %(start)s AND closed_datetime < %(end)s
    GROUP BY account_id, closed_datetime::date
),
responded AS (
    SELECT account_id,
           first_response_datetime::date AS report_date,
           COUNT(*) AS tickets_responded,
           COUNT(*) FILTER (
               WHERE CASE WHEN response_due_datetime IS NOT NULL THEN first_response_datetime <= response_due_datetime
                          ELSE NOT COALESCE(response_sla_breached, false) END
           ) AS response_sla_met,
           AVG(first_response_time_minutes) AS mean_first_response_minutes
    FROM service_tickets
    WHERE first_response_datetime >= %(start)s AND first_response_datetime < %(end)s
    GROUP BY account_id, first_response_datetime::date
),
escalated AS (
    SELECT t.account_id, e.escalated_at::date AS report_date, COUNT(*) AS escalations
    FROM ticket_escalations e
    JOIN service_tickets t ON t.ticket_id = e.ticket_id
    WHERE e.escalated_at >= %(start)s AND e.escalated_at < %(end)s
    GROUP BY t.account_id, e.escalated_at::date
),
backlog AS (
    SELECT t.account_id, d.report_date, COUNT(*) AS open_tickets
    FROM days d
    JOIN service_tickets t
      ON t.created_at < d.report_date + 1
     AND (t.closed_datetime IS NULL OR t.closed_datetime >= d.report_date + 1)
    WHERE t.created_at < %(end)s AND (t.closed_datetime IS NULL OR t.closed_datetime >= %(start)s)
    GROUP BY t.account_id, d.report_date
),
grain AS (
    SELECT account_id, report_date FROM opened
    UNION SELECT account_id, report_date FROM closed
    UNION SELECT account_id, report_date FROM responded
    UNION SELECT account_id, report_date FROM escalated
    UNION SELECT account_id, report_date FROM backlog
)
SELECT g.account_id AS customer_id,
       g.report_date,
       COALESCE(o.tickets_opened, 0) AS tickets_opened,
       COALESCE(c.tickets_closed, 0) AS tickets_closed,
       COALESCE(b.open_tickets, 0) AS open_tickets,
       COALESCE(o.critical_tickets, 0) AS critical_tickets,
       COALESCE(r.tickets_responded, 0) AS tickets_responded,
       COALESCE(r.response_sla_met, 0) AS response_sla_met,
       COALESCE(c.resolution_sla_met, 0) AS resolution_sla_met,
       c.mean_time_to_resolve_hours,
       r.mean_first_response_minutes,
       COALESCE(e.escalations, 0) AS escalations,
       COALESCE(c.reopened_tickets, 0) AS reopened_tickets,
       c.avg_csat_rating
FROM grain g
LEFT JOIN opened o ON o.account_id IS NOT DISTINCT FROM g.account_id AND o.report_date = g.report_date
LEFT JOIN closed c ON c.account_id IS NOT DISTINCT FROM g.account_id AND c.report_date = g.report_date
LEFT JOIN responded r ON r.account_id IS NOT DISTINCT FROM g.account_id AND r.report_date = g.report_date
LEFT JOIN escalated e ON e.account_id IS NOT DISTINCT FROM g.account_id AND e.report_date = g.report_date
LEFT JOIN backlog b ON b.account_id IS NOT DISTINCT FROM g.account_id AND b.report_date = g.report_date
