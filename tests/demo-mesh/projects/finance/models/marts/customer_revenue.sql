select
    customers.customer_id,
    customers.full_name,
    customers.country,
    customers.customer_tier,
    coalesce(sum(orders.recognized_revenue_usd), 0) as recognized_revenue_usd,
    count(orders.order_id) as order_count
from {{ ref('fin_customers') }} as customers
left join {{ ref('fin_orders') }} as orders using (customer_id)
group by all
