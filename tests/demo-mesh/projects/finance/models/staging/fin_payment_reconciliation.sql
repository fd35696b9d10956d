-- Cross-project ref to platform's PROTECTED int_order_payments (governance finding).
select
    orders.order_id,
    orders.amount_usd as booked_usd,
    payments.amount_usd as paid_usd,
    payments.primary_payment_method,
    abs(orders.amount_usd - payments.amount_usd) < 0.01 as is_reconciled
from {{ ref('fin_orders') }} as orders
left join {{ ref('platform', 'int_order_payments') }} as payments using (order_id)
