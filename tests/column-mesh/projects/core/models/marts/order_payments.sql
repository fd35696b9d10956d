-- Join with table aliases and alias-qualified columns.
--   c.customer_id, p.order_id: only in JOIN ON
--   o.status:                  only in WHERE
--   c.country_code:            only in GROUP BY
select
    o.order_id,
    o.customer_id,
    c.full_name as customer_name,
    o.order_date,
    count(p.payment_id) as payment_count,
    coalesce(sum(p.amount), 0) as paid_amount
from {{ ref('all_orders') }} as o
join {{ ref('customers_star') }} as c
    on c.customer_id = o.customer_id
left join {{ ref('stg_payments') }} as p
    on p.order_id = o.order_id
where o.status <> 'cancelled'
group by o.order_id, o.customer_id, c.full_name, o.order_date, c.country_code
