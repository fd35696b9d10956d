select
    product_sku as sku,
    product_name,
    sum(quantity) as units_sold,
    count(distinct order_id) as order_count
from {{ ref('stg_orders') }}
group by product_sku, product_name
