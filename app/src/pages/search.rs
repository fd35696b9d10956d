use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::search_nodes,
    components::{loaded, Snippet},
    dto::{FacetCount, SearchHit, SearchResults},
    error::Error,
    owner_href, search_href,
};

const PAGE_SIZE: usize = 20;

/// `/search?q=…&offset=…`: results with facets as filters, highlighted snippets and
/// paging, rendered on the server so it all works without JavaScript.
#[component]
pub fn SearchPage() -> impl IntoView {
    let params = use_query_map();
    let query = move || params.read().get("q").unwrap_or_default();
    // A number is checked by the engine against its range; anything else is refused here.
    let offset = move || match params.read().get("offset").filter(|o| !o.is_empty()) {
        None => Ok(0),
        Some(o) => o.parse::<usize>().map_err(|_| format!("{o:?} is not a whole number")),
    };
    let results = Resource::new(
        move || (query(), offset()),
        |(q, offset)| async move {
            match offset {
                Err(why) => Err(Error::parameter("offset", why)),
                Ok(_) if q.trim().is_empty() => Ok(SearchResults::default()),
                Ok(offset) => search_nodes(q, PAGE_SIZE, offset).await,
            }
        },
    );
    view! {
        <Title text="Search"/>
        <h1>"Search"</h1>
        <form class="search-page-form" action="/search" method="get" role="search">
            <input type="search" name="q" aria-label="Search query" value=query prop:value=query/>
            <button type="submit">"Search"</button>
        </form>
        <p class="muted search-help">
            "Filters: " <code>"owner:"</code> " " <code>"project:"</code> " " <code>"type:"</code> " "
            <code>"access:"</code> " " <code>"tag:"</code> " " <code>"group:"</code> " " <code>"contract:enforced"</code>
            "; " <code>"-word"</code> " excludes, " <code>"\"a phrase\""</code> ", " <code>"a OR b"</code> "."
        </p>
        {loaded(results, "Searching…", move |value| match value {
            r if r.query.is_empty() => view! { <p class="muted">"Type a name, an owner, a column or a tag."</p> }.into_any(),
            r => view! { <Results results=r/> }.into_any(),
        })}
    }
}

#[component]
fn Results(results: SearchResults) -> impl IntoView {
    let SearchResults { query, total, offset, limit, hits, facets, ignored, took_ms } = results;
    let shown_to = offset + hits.len();
    let previous = (offset > 0).then(|| search_href(&query, offset.saturating_sub(limit)));
    let next = (shown_to < total as usize).then(|| search_href(&query, shown_to));
    let groups = vec![
        ("Project", "project", facets.project),
        ("Type", "type", facets.resource_type),
        ("Access", "access", facets.access),
        ("Owner", "owner", facets.owner),
        ("Group", "group", facets.group),
        ("Contract", "contract", facets.contract),
    ];
    view! {
        {(!ignored.is_empty()).then(|| view! {
            <p class="ignored">"Searched as plain words: " {ignored.join("; ")}</p>
        })}
        <p class="muted result-count">
            {if total == 0 {
                format!("No results for “{query}”.")
            } else {
                format!("{}–{} of {total} result{} for “{query}” in {took_ms:.1} ms", offset + 1, shown_to, if total == 1 { "" } else { "s" })
            }}
        </p>
        <div class="search-layout">
            <aside class="facets" aria-label="Filters">
                {groups
                    .into_iter()
                    .filter(|(_, _, values)| !values.is_empty())
                    .map(|(title, key, values)| view! { <FacetGroup title key values query=query.clone()/> })
                    .collect_view()}
            </aside>
            <div>
                <ol class="results" start=offset + 1>
                    {hits.into_iter().map(|hit| view! { <Hit hit/> }).collect_view()}
                </ol>
                <nav class="pager" aria-label="Pages">
                    {previous.map(|href| view! { <a class="previous" href=href rel="prev">"← Previous"</a> })}
                    {next.map(|href| view! { <a class="next" href=href rel="next">"Next →"</a> })}
                </nav>
            </div>
        </div>
    }
}

/// `key:value` as the query language reads it, quoted when it holds a space.
fn filter_term(key: &str, value: &str) -> String {
    if value.contains(char::is_whitespace) {
        format!("{key}:\"{value}\"")
    } else {
        format!("{key}:{value}")
    }
}

#[component]
fn FacetGroup(title: &'static str, key: &'static str, values: Vec<FacetCount>, query: String) -> impl IntoView {
    view! {
        <section class="facet" data-facet=key>
            <h2>{title}</h2>
            <ul>
                {values
                    .into_iter()
                    .map(|v| {
                        let term = filter_term(key, &v.value);
                        let active = query.split_whitespace().any(|t| t.eq_ignore_ascii_case(&term));
                        let href = if active {
                            let rest: Vec<&str> = query.split_whitespace().filter(|t| !t.eq_ignore_ascii_case(&term)).collect();
                            search_href(&rest.join(" "), 0)
                        } else {
                            search_href(&format!("{query} {term}"), 0)
                        };
                        view! {
                            <li class:active=active>
                                <a href=href data-value=v.value.clone()>{v.value.clone()}</a>
                                " "<span class="count">{v.count}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    let SearchHit { unique_id, name, project, resource_type, owner, access, version, matched_field, snippet, column } =
        hit;
    let href = crate::links::hit_href(&unique_id, column.as_deref());
    view! {
        <li class="hit" data-unique-id=unique_id.clone() data-column=column.clone()>
            <a class="hit-name" href=href>{name}{column.clone().map(|c| view! { "."<code>{c}</code> })}</a>
            {version.map(|v| view! { " "<span class="badge version">{format!("v{v}")}</span> })}
            " "<span class="badge type">{resource_type}</span>
            {access.map(|a| view! { " "<span class=format!("badge access {a}")>{a.clone()}</span> })}
            " "<span class="project">{project}</span>
            {owner.map(|o| view! { " · "<a class="owner" href=owner_href(&o)>{o.clone()}</a> })}
            " "<span class="matched muted">{format!("matched {matched_field}")}</span>
            <p class="snippet"><Snippet parts=snippet/></p>
        </li>
    }
}
