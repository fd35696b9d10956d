-- select * across a ref: every column of stg_customers, unchanged.
select * from {{ ref('stg_customers') }}
