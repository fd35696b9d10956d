-- v1 (deprecated): split first/last name, no tier.
select
    customers.customer_id::integer as customer_id,
    customers.first_name::varchar as first_name,
    customers.last_name::varchar as last_name,
    customers.email::varchar as email,
    customers.country::varchar as country,
    min(orders.order_date)::date as first_order_date,
    max(orders.order_date)::date as last_order_date,
    count(orders.order_id)::integer as order_count,
    coalesce(sum(orders.amount_usd), 0)::double as lifetime_value
from {{ ref('stg_customers') }} as customers
left join {{ ref('fct_orders') }} as orders using (customer_id)
group by all
