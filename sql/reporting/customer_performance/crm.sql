-- customer_performance, genims_crm_db part: the churn assessment of each customer account (account_id = master
-- customer_id): churn_risk and health_score (0-100, higher = healthier).
SELECT account_id AS customer_id, churn_risk, health_score
FROM accounts
