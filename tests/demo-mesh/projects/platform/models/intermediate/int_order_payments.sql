with payments as (
    select * from {{ ref('stg_payments') }}
),

ranked as (
    select
        order_id,
        payment_method,
        amount_usd,
        row_number() over (partition by order_id order by amount_usd desc, payment_id) as rn
    from payments
)

select
    order_id,
    count(*)::integer as payment_count,
    sum(amount_usd)::double as amount_usd,
    max(case when rn = 1 then payment_method end) as primary_payment_method
from ranked
group by order_id
