-- Baseline: bare columns and one expression, straight from a seed.
select
    order_id,
    customer_id,
    order_date,
    status,
    (amount_cents / 100.0)::decimal(12, 2) as amount
from {{ ref('raw_orders') }}
