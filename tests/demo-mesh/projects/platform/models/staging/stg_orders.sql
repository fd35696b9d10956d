select
    id as order_id,
    customer_id,
    order_date,
    status,
    product_sku,
    product_name,
    quantity,
    shipped_date
from {{ ref('raw_orders') }}
