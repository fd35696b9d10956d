select
    date_trunc('month', order_date)::date as revenue_month,
    count(*)::integer as order_count,
    sum(recognized_revenue_usd)::double as revenue_usd,
    count(distinct customer_id)::integer as paying_customers
from {{ ref('fin_orders') }}
group by 1
