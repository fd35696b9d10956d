-- Singular data test: no order may have a negative paid amount.
select order_id, amount_usd
from {{ ref('fct_orders') }}
where amount_usd < 0
