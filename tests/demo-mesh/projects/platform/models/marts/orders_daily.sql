select
    order_date,
    count(*) as order_count,
    sum(amount_usd) as revenue_usd,
    count(distinct customer_id) as customer_count
from {{ ref('fct_orders') }}
group by order_date
