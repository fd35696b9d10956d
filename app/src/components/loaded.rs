//! The block every page puts around its data: a line while it loads, the page's view
//! once it has, and the error panel (which sets the error's status) when it failed.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::ErrorPanel;
use crate::error::Error;

/// `render`'s view of `resource` once it has loaded, or the error panel; `loading`
/// shows until then.
pub fn loaded<T, V>(
    resource: Resource<Result<T, Error>>,
    loading: &'static str,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=move || view! { <p class="muted">{loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
