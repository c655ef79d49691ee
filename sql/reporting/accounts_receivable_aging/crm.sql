-- accounts_receivable_aging, genims_crm_db part: the credit limit of each customer (accounts.account_id is the
-- master customer_id).
SELECT account_id AS customer_id, credit_limit AS credit_limit_amount
FROM accounts
WHERE credit_limit IS NOT NULL
