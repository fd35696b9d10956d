-- v2 (latest): full_name replaces first/last name, adds customer_tier.
with customer_orders as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as order_count,
        sum(amount_usd) as lifetime_value
    from {{ ref('fct_orders') }}
    group by customer_id
)

select
    customers.customer_id::integer as customer_id,
    customers.full_name::varchar as full_name,
    customers.email::varchar as email,
    customers.country::varchar as country,
    customer_orders.first_order_date::date as first_order_date,
    customer_orders.last_order_date::date as last_order_date,
    coalesce(customer_orders.order_count, 0)::integer as order_count,
    coalesce(customer_orders.lifetime_value, 0)::double as lifetime_value,
    (case
        when coalesce(customer_orders.lifetime_value, 0) >= 1000 then 'gold'
        when coalesce(customer_orders.lifetime_value, 0) >= 300 then 'silver'
        else 'bronze'
    end)::varchar as customer_tier
from {{ ref('stg_customers') }} as customers
left join customer_orders using (customer_id)
