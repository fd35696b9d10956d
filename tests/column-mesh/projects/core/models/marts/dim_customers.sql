-- Public, contracted: the model analytics refs across projects (and declares as a source).
select
    c.customer_id,
    c.full_name,
    c.email,
    c.country_code,
    count(o.order_id)::integer as order_count,
    coalesce(sum(o.amount), 0)::decimal(12, 2) as lifetime_amount,
    min(o.order_date) as first_order_date
from {{ ref('customers_star') }} as c
left join {{ ref('all_orders') }} as o
    on o.customer_id = c.customer_id
group by c.customer_id, c.full_name, c.email, c.country_code
