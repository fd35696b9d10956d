-- Reads the installed package's protected model: dbt allows it from an installer.
select s.item_id, s.label, n.double_price
from {{ ref('src_proj_a', 'shared_model') }} s
join {{ ref('new_model') }} n using (item_id)
