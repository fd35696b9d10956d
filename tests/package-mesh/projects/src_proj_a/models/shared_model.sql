-- Shared with every project that installs src_proj_a as a package.
select item_id, label, price from {{ ref('raw_items') }}
