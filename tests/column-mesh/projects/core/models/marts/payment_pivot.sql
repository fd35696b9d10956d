-- DuckDB PIVOT *statement* (not a SELECT): the output columns (order_id, card, cash,
-- gift) come from the data, so they cannot be known from the SQL text alone.
pivot {{ ref('stg_payments') }}
on method
using sum(amount)
group by order_id
