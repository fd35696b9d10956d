-- Window columns. status appears only in a window PARTITION BY.
select
    order_id,
    customer_id,
    order_date,
    amount,
    row_number() over (partition by customer_id order by order_date, order_id) as order_seq,
    sum(amount) over (
        partition by customer_id
        order by order_date, order_id
        rows between unbounded preceding and current row
    ) as running_amount,
    count(*) over (partition by status) as orders_with_same_status
from {{ ref('all_orders') }}
