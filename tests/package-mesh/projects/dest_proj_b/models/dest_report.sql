select count(*) as items from {{ ref('shared_model') }}
