-- customer_service_summary, genims_crm_db part: the customer accounts (account_id = master customer_id) and names.
SELECT account_id AS customer_id, account_id, account_name AS customer_name
FROM accounts
