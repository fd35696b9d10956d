-- Cross-project ref (two-argument) to platform's public, contracted fct_orders.
select
    order_id,
    customer_id,
    order_date,
    status,
    amount_usd::double as amount_usd,
    case when status = 'returned' then 0 else amount_usd end::double as recognized_revenue_usd
from {{ ref('platform', 'fct_orders') }}
