-- UNION ALL of two refs; channel is a literal (no upstream column).
select
    order_id,
    customer_id,
    order_date,
    status,
    amount,
    'web' as channel
from {{ ref('stg_orders') }}

union all

select
    order_id,
    customer_id,
    order_date,
    status,
    amount,
    'legacy' as channel
from {{ ref('stg_legacy_orders') }}
