use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{api::search_nodes, dto::SearchResults, node_href};

const PAGE_SIZE: usize = 50;

/// `/search?q=…`: the results page, rendered on the server so it works without JavaScript.
#[component]
pub fn SearchPage() -> impl IntoView {
    let params = use_query_map();
    let query = move || params.read().get("q").unwrap_or_default();
    let results = Resource::new(query, |q| async move {
        if q.trim().is_empty() {
            Ok(SearchResults::default())
        } else {
            search_nodes(q, PAGE_SIZE).await
        }
    });
    view! {
        <Title text="Search"/>
        <h1>"Search"</h1>
        <form class="search-page-form" action="/search" method="get" role="search">
            <input type="search" name="q" aria-label="Search query" prop:value=query/>
            <button type="submit">"Search"</button>
        </form>
        <Suspense fallback=|| view! { <p class="muted">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(r) if r.query.is_empty() => view! { <p class="muted">"Type a name to search."</p> }.into_any(),
                    Ok(r) => view! { <ResultList results=r/> }.into_any(),
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResultList(results: SearchResults) -> impl IntoView {
    view! {
        <p class="muted result-count">
            {format!("{} result{} for “{}” in {:.1} ms", results.total, if results.total == 1 { "" } else { "s" }, results.query, results.took_ms)}
        </p>
        <ol class="results">
            {results
                .hits
                .into_iter()
                .map(|hit| view! {
                    <li>
                        <a href=node_href(&hit.unique_id)>{hit.name.clone()}</a>
                        " "
                        <span class="badge type">{hit.resource_type.clone()}</span>
                        " "
                        <span class="project">{hit.project.clone()}</span>
                        <p class="snippet">{hit.description.clone()}</p>
                    </li>
                })
                .collect_view()}
        </ol>
    }
}
