select
    event_id,
    customer_id,
    event_type,
    loaded_at
from {{ source('acme_raw', 'web_events') }}
