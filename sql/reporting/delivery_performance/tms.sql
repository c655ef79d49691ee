-- delivery_performance, genims_tms_db part: per shipping factory and day. The factory is the plant of the
-- shipment's origin warehouse ('WH-<plant number>-FG' -> 'FAC-<plant number>'; NULL when not of that form).
--   shipments shipped on the day (ship_date);
--   deliveries completed on the day (actual_delivery_date) against the promise (scheduled_delivery_date): on time
--   (same day), early, late, the average days late of the late ones; proofs of delivery of those deliveries and
--   the damaged ones (packages_condition damaged or missing); distinct carriers; failed attempts = the attempts
--   before the successful one (delivery_attempt_count - 1), on the day of the delivery, plus every attempt of a
--   delivery given up (delivery_status 'failed'), on its (rescheduled) date;
--   shipments delivered on the day (shipments.actual_delivery_date): their total_cost, and how many arrived by the
--   carrier's estimated_delivery_date;
--   carrier_breakdown: per carrier of the day's deliveries, [{carrier_id, carrier_name, deliveries, on_time_pct}]
--   with on_time_pct = deliveries on or before the promise / deliveries * 100.
WITH ship AS NOT MATERIALIZED (
    SELECT s.shipment_id, s.carrier_id, s.ship_date, s.actual_delivery_date, s.estimated_delivery_date, s.total_cost,
           'FAC-' || substring(COALESCE(s.origin_warehouse_id, s.warehouse_id) FROM '^WH-([0-9]+)-') AS factory_id
    FROM shipments s
),
shipped AS (
    SELECT factory_id, ship_date AS report_date, COUNT(*) AS shipments_count
    FROM ship
    WHERE ship_date >= %(start_date)s AND ship_date < %(end_date)s
    GROUP BY factory_id, ship_date
),
delivered AS (
    SELECT s.factory_id,
           d.actual_delivery_date AS report_date,
           s.carrier_id,
           d.actual_delivery_date - d.scheduled_delivery_date AS days_late,
           GREATEST(COALESCE(d.delivery_attempt_count, 1) - 1, 0) AS failed_attempts,
           p.packages_condition,
           p.pod_id
    FROM deliveries d
    JOIN ship s ON s.shipment_id = d.shipment_id
    LEFT JOIN LATERAL (
        SELECT pod_id, packages_condition FROM proof_of_delivery p
        WHERE p.delivery_id = d.delivery_id
        ORDER BY p.delivery_timestamp DESC, p.pod_id DESC
        LIMIT 1
    ) p ON true
    WHERE d.actual_delivery_date >= %(start_date)s AND d.actual_delivery_date < %(end_date)s
),
deliveries_day AS (
    SELECT factory_id,
           report_date,
           COUNT(*) AS deliveries_count,
           COUNT(*) FILTER (WHERE days_late = 0) AS on_time_deliveries,
           COUNT(*) FILTER (WHERE days_late < 0) AS early_deliveries,
           COUNT(*) FILTER (WHERE days_late > 0) AS late_deliveries,
           AVG(days_late) FILTER (WHERE days_late > 0) AS average_delay_days,
           SUM(failed_attempts) AS completed_failed_attempts,
           COUNT(pod_id) AS pod_count,
           COUNT(*) FILTER (WHERE packages_condition IN ('damaged', 'missing')) AS damaged_deliveries,
           COUNT(DISTINCT carrier_id) AS carriers_used
    FROM delivered
    GROUP BY factory_id, report_date
),
given_up AS (
    SELECT s.factory_id,
           COALESCE(d.rescheduled_date, d.scheduled_delivery_date) AS report_date,
           SUM(GREATEST(COALESCE(d.delivery_attempt_count, 1), 1)) AS given_up_attempts
    FROM deliveries d
    JOIN ship s ON s.shipment_id = d.shipment_id
    WHERE d.delivery_status = 'failed'
      AND COALESCE(d.rescheduled_date, d.scheduled_delivery_date) >= %(start_date)s
      AND COALESCE(d.rescheduled_date, d.scheduled_delivery_date) < %(end_date)s
    GROUP BY 1, 2
),
costs AS (
    SELECT factory_id,
           actual_delivery_date AS report_date,
           SUM(COALESCE(total_cost, 0)) AS delivery_cost,
           COUNT(*) AS shipments_delivered,
           COUNT(*) FILTER (WHERE actual_delivery_date <= estimated_delivery_date) AS shipments_by_estimate
    FROM ship
    WHERE actual_delivery_date >= %(start_date)s AND actual_delivery_date < %(end_date)s
    GROUP BY factory_id, actual_delivery_date
),
per_carrier AS (
    SELECT x.factory_id,
           x.report_date,
           x.carrier_id,
           c.carrier_name,
           COUNT(*) AS deliveries,
           ROUND(100.0 * COUNT(*) FILTER (WHERE x.days_late <= 0) / COUNT(*), 3) AS on_time_pct
    FROM delivered x
    LEFT JOIN carriers c ON c.carrier_id = x.carrier_id
    GROUP BY x.factory_id, x.report_date, x.carrier_id, c.carrier_name
),
breakdown AS (
    SELECT factory_id,
           report_date,
           json_agg(
               json_build_object(
                   'carrier_id', carrier_id, 'carrier_name', carrier_name,
                   'deliveries', deliveries, 'on_time_pct', on_time_pct
               )
               ORDER BY carrier_id
           )::text AS carrier_breakdown
    FROM per_carrier
    GROUP BY factory_id, report_date
),
grain AS (
    SELECT factory_id, report_date FROM shipped
    UNION SELECT factory_id, report_date FROM deliveries_day
    UNION SELECT factory_id, report_date FROM given_up
    UNION SELECT factory_id, report_date FROM costs
)
SELECT g.factory_id,
       g.report_date,
       COALESCE(sh.shipments_count, 0) AS shipments_count,
       COALESCE(dd.deliveries_count, 0) AS deliveries_count,
       COALESCE(dd.on_time_deliveries, 0) AS on_time_deliveries,
       COALESCE(dd.early_deliveries, 0) AS early_deliveries,
       COALESCE(dd.late_deliveries, 0) AS late_deliveries,
       COALESCE(dd.completed_failed_attempts, 0) + COALESCE(gu.given_up_attempts, 0) AS failed_deliveries,
       dd.average_delay_days,
       COALESCE(co.delivery_cost, 0) AS delivery_cost,
       COALESCE(dd.pod_count, 0) AS pod_count,
       COALESCE(dd.damaged_deliveries, 0) AS damaged_deliveries,
       COALESCE(dd.carriers_used, 0) AS carriers_used,
       COALESCE(co.shipments_delivered, 0) AS shipments_delivered,
       COALESCE(co.shipments_by_estimate, 0) AS shipments_by_estimate,
       bd.carrier_breakdown
FROM grain g
LEFT JOIN shipped sh ON sh.factory_id IS NOT DISTINCT FROM g.factory_id AND sh.report_date = g.report_date
LEFT JOIN deliveries_day dd ON dd.factory_id IS NOT DISTINCT FROM g.factory_id AND dd.report_date = g.report_date
LEFT JOIN given_up gu ON gu.factory_id IS NOT DISTINCT FROM g.factory_id AND gu.report_date = g.report_date
LEFT JOIN costs co ON co.factory_id IS NOT DISTINCT FROM g.factory_id AND co.report_date = g.report_date
LEFT JOIN breakdown bd ON bd.factory_id IS NOT DISTINCT FROM g.factory_id AND bd.report_date = g.report_date
