-- capex_tracking, genims_cmms_db part: every maintenance asset acquired by the end of each month of the window
-- (purchase_date, else installation or commissioning date), with its purchase cost, useful life, and its age in
-- years (days / 365.25 since it entered service: installation_date, else commissioning_date, else purchase_date)
-- at the start and at the end of the month, for straight-line depreciation.
WITH months AS (
    SELECT m::date AS report_month, (m + interval '1 month')::date AS next_month
    FROM generate_series(date_trunc('month', %(start)s::timestamp), %(end)s::timestamp - interval '1 day',
                         interval '1 month') AS m
),
assets AS (
    SELECT asset_id, asset_name, asset_type, asset_category, machine_id, factory_id,
           COALESCE(purchase_cost, 0) AS purchase_cost,
           expected_life_years,
           COALESCE(purchase_date, installation_date, commissioning_date) AS acquired,
           COALESCE(installation_date, commissioning_date, purchase_date) AS in_service
    FROM maintenance_assets
)
SELECT m.report_month,
       a.asset_id,
       a.asset_name,
       a.asset_type,
       a.asset_category,
       a.machine_id,
       a.factory_id,
       a.purchase_cost,
       a.expected_life_years AS useful_life_years,
       GREATEST(m.report_month - a.in_service, 0) / 365.25 AS age_years_start,
       GREATEST(m.next_month - a.in_service, 0) / 365.25 AS age_years_end
FROM months m
JOIN assets a ON a.acquired < m.next_month
