select item_id, price * 2 as double_price from {{ ref('shared_model') }}
