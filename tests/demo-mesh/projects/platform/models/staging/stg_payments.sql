select
    id as payment_id,
    order_id,
    payment_method,
    amount_cents,
    amount_cents / 100.0 as amount_usd,
    created_at
from {{ ref('raw_payments') }}
