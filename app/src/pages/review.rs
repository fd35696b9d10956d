use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{get_review, list_reviews},
    components::{loaded, CopyButton, LineageGraph, Missing, ViewSettings},
    dto::{Change, Review},
    lineage_style::{lens_colour, lens_value, REVIEW_LENSES},
    links::{encode, owner_href, project_href},
    node_href,
};

/// `/review`: upload a project's new manifest.json (or several projects') and see what
/// it changes in the served mesh. The form posts to the server, so it works without
/// JavaScript; the result gets its own page at `/review/{id}`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("error").filter(|e| !e.is_empty());
    let reviews = Resource::new(|| (), |()| list_reviews());
    view! {
        <Title text="Review a change"/>
        <h1>"Review a change"</h1>
        <p class="lede">"Before you merge a change to a dbt project, see what it does to the mesh: breaking contract changes (dbt's rules), narrowed access, removed or moved versions, removed or renamed models, and every node, project and owner downstream of each."</p>
        {move || error().map(|e| view! { <p class="error upload-error" role="alert">{e}</p> })}
        <form class="review-form" method="post" action="/review" enctype="multipart/form-data">
            <label>
                <span>"The project's new " <code>"manifest.json"</code> " (from " <code>"dbt parse"</code> ", " <code>"dbt build"</code> " or a pull request's " <code>"target/"</code> "); one file per project"</span>
                <input type="file" name="manifest" accept=".json,application/json" multiple required/>
            </label>
            <button type="submit">"Compare with the mesh"</button>
        </form>
        <h2>"From CI"</h2>
        <p>"The same comparison, for scripts:"</p>
        <pre class="code"><code>"meshlens diff --base ./meshlens-data --head target/ --format markdown\ncurl --data-binary @target/manifest.json -H 'content-type: application/json' http://HOST/api/v1/diff"</code></pre>
        <p class="muted">"Exit code 1 when a change breaks; the API answers the report as JSON and names its review page in the Location header."</p>
        <h2>"Recent reviews"</h2>
        {loaded(reviews, "Loading…", move |value| match value {
            list if list.is_empty() => view! { <p class="muted">"No change reviewed since the server started."</p> }.into_any(),
            list => view! {
                <table class="reviews">
                    <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"Projects"</th><th scope="col">"Changes"</th><th scope="col">"Breaking"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|r| view! {
                            <tr>
                                <td><a href=format!("/review/{}", r.id)>{r.created.replace('T', " ").replace('Z', "")}</a></td>
                                <td>{r.projects.join(", ")}</td>
                                <td>{r.changes}</td>
                                <td class:breaking={r.breaking > 0}>{r.breaking}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        })}
    }
}

/// `/review/{id}?lens=impact|project|owner`: one diff's changes, their downstream
/// impact on the lineage graph, by project and by owner, and a pull-request summary.
#[component]
pub fn ReviewDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let lens = move || {
        let lens = query.read().get("lens").unwrap_or_default();
        if REVIEW_LENSES.iter().any(|(key, _)| *key == lens) {
            lens
        } else {
            "impact".to_string()
        }
    };
    let review = Resource::new(id, get_review);
    view! {
        {loaded(review, "Loading…", move |value| match value {
            Some(review) => view! { <ReviewView review lens=lens()/> }.into_any(),
            None => view! {
                <Missing title="Review not found" back_href="/review" back_label="Review a change">"No review " <code>{id()}</code> " is kept here: reviews live in the server's memory, the last 50 of them, until it restarts."</Missing>
            }
            .into_any(),
        })}
    }
}

#[component]
fn ReviewView(review: Review, lens: String) -> impl IntoView {
    let Review { id, created, report, markdown, lineage } = review;
    let title = match report.breaking {
        0 => format!("No breaking changes in {}", report.projects.join(", ")),
        1 => format!("1 breaking change in {}", report.projects.join(", ")),
        n => format!("{n} breaking changes in {}", report.projects.join(", ")),
    };
    // Each owner with the nodes of theirs that a breaking change reaches.
    let mut by_owner: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for change in report.changes.iter().filter(|c| c.breaking) {
        for d in &change.downstream {
            for owner in &d.owners {
                by_owner.entry(owner.clone()).or_default().insert(d.unique_id.clone(), d.project.clone());
            }
        }
    }
    let mut legend: BTreeMap<String, &'static str> = BTreeMap::new();
    for n in lineage.nodes.iter().filter(|n| n.collapsed.is_none()) {
        let value = lens_value(&lens, n);
        legend.insert(value.clone(), lens_colour(&lens, &value));
    }
    let lens_links = REVIEW_LENSES
        .iter()
        .map(|(key, label)| {
            let href = format!("/review/{id}?lens={}", encode(key));
            view! { <a href=href class:current={lens == *key} aria-current=(lens == *key).then_some("true")>{*label}</a>" " }
        })
        .collect_view();
    let settings = ViewSettings { lens: lens.clone(), ..ViewSettings::default() };
    view! {
        <Title text=title.clone()/>
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/review">"Review"</a>" / "<span>{id.clone()}</span></nav>
        <h1 class="review-title" class:breaking={report.breaking > 0}>{title}</h1>
        <dl class="facts">
            <dt>"Compared with"</dt><dd>{report.base.clone()}</dd>
            <dt>"When (UTC)"</dt><dd>{created.replace('T', " ").replace('Z', "")}</dd>
            <dt>"Changes"</dt><dd>{format!("{}, {} breaking", report.changes.len(), report.breaking)}</dd>
            <dt>"Impacted projects"</dt>
            <dd class="impacted-projects">
                {if report.impacted_projects.is_empty() { view! { <span class="muted">"none"</span> }.into_any() } else {
                    report.impacted_projects.iter().map(|p| view! { <a href=project_href(p)>{p.clone()}</a>" " }).collect_view().into_any()
                }}
            </dd>
            <dt>"Owners to notify"</dt>
            <dd class="impacted-owners">
                {if report.impacted_owners.is_empty() { view! { <span class="muted">"none"</span> }.into_any() } else {
                    report.impacted_owners.iter().map(|o| view! { <a href=owner_href(o)>{o.clone()}</a>" " }).collect_view().into_any()
                }}
            </dd>
        </dl>
        <h2>"Changes"</h2>
        {if report.changes.is_empty() {
            view! { <p class="muted">"These artifacts change nothing meshlens compares."</p> }.into_any()
        } else {
            view! { <ChangeTable changes=report.changes.clone()/> }.into_any()
        }}
        {(!lineage.nodes.is_empty()).then(|| view! {
            <h2>"On the lineage graph"</h2>
            <p class="lens-links">"Colour by: "{lens_links}</p>
            <LineageGraph view=lineage.clone() settings=settings.clone()/>
            <div class="legend" aria-label="Legend">
                {legend.into_iter().map(|(value, colour)| view! {
                    <span class="legend-item"><span class="swatch" style=format!("background:{colour}")></span>{value.replace('_', " ")}</span>
                }).collect_view()}
            </div>
        })}
        {(!by_owner.is_empty()).then(|| view! {
            <h2>"By owner"</h2>
            <table class="by-owner">
                <thead><tr><th scope="col">"Owner"</th><th scope="col">"Their nodes a breaking change reaches"</th></tr></thead>
                <tbody>
                    {by_owner.into_iter().map(|(owner, nodes)| view! {
                        <tr>
                            <th scope="row"><a href=owner_href(&owner)>{owner.clone()}</a></th>
                            <td>{nodes.into_iter().map(|(node, project)| view! {
                                <a href=node_href(&node)>{node.clone()}</a>" "<span class="muted">{format!("({project})")}</span>" "
                            }).collect_view()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        <h2>"Summary for the pull request"</h2>
        <div class="pr-summary">
            <CopyButton text=markdown.clone() label="Copy markdown"/>
            <textarea readonly rows="12" aria-label="Markdown summary">{markdown}</textarea>
        </div>
    }
}

#[component]
fn ChangeTable(changes: Vec<Change>) -> impl IntoView {
    view! {
        <table class="changes">
            <thead><tr><th scope="col">""</th><th scope="col">"Change"</th><th scope="col">"Node"</th><th scope="col">"What changed"</th><th scope="col">"Downstream"</th></tr></thead>
            <tbody>
                {changes.into_iter().map(|c| {
                    let reach = if c.downstream.is_empty() {
                        "nothing".to_string()
                    } else {
                        format!("{} node{} in {}", c.downstream.len(), if c.downstream.len() == 1 { "" } else { "s" }, c.downstream_projects.join(", "))
                    };
                    let downstream = c.downstream.clone();
                    view! {
                        <tr class="change" class:breaking=c.breaking data-kind=c.kind.clone() data-node=c.node.clone()>
                            <td>{if c.breaking { view! { <span class="badge breaking">"breaking"</span> }.into_any() } else { view! { <span class="badge">"change"</span> }.into_any() }}</td>
                            <td><code>{c.kind.clone()}</code></td>
                            <td><a href=node_href(&c.node)>{c.name.clone()}</a>" "<span class="muted">{c.project.clone()}</span></td>
                            <td>{c.message.clone()}</td>
                            <td>
                                {c.column_downstream.clone().map(|readers| view! { <ColumnReaders readers column=c.column.clone().unwrap_or_default()/> })}
                                {if downstream.is_empty() { view! { <span class="muted">{reach}</span> }.into_any() } else { view! {
                                    <details>
                                        <summary>{reach}</summary>
                                        <ul class="downstream">
                                            {downstream.into_iter().map(|d| {
                                                let pin = match (&d.pinned_version, d.pinned_version_exists) {
                                                    (Some(v), Some(false)) => format!(" · pins v{v}, gone in the head"),
                                                    (Some(v), _) => format!(" · pins v{v}"),
                                                    _ => String::new(),
                                                };
                                                let owners = if d.owners.is_empty() { String::new() } else { format!(" · {}", d.owners.join(", ")) };
                                                view! {
                                                    <li data-id=d.unique_id.clone() class:gone=d.pinned_version_exists == Some(false)>
                                                        <a href=node_href(&d.unique_id)>{d.name.clone()}</a>
                                                        <span class="muted">{format!(" {} · {} · {} hop{}{owners}{pin}", d.resource_type, d.project, d.distance, if d.distance == 1 { "" } else { "s" })}</span>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </details>
                                }.into_any() }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The columns that read a changed column: listed before the nodes, being more precise.
#[component]
fn ColumnReaders(readers: Vec<crate::dto::ColumnConsumer>, column: String) -> impl IntoView {
    if readers.is_empty() {
        return view! { <p class="column-readers muted" data-count="0">"0 downstream columns read it"</p> }.into_any();
    }
    let columns = readers.iter().filter(|r| r.column.is_some()).count();
    let summary = format!(
        "{columns} downstream column{} read {column}{}",
        if columns == 1 { "" } else { "s" },
        match readers.len() - columns {
            0 => String::new(),
            n => format!(", {n} node{} filter on it", if n == 1 { "" } else { "s" }),
        }
    );
    let count = readers.len();
    view! {
        <details class="column-readers" data-count=count open=true>
            <summary>{summary}</summary>
            <ul>
                {readers.into_iter().map(|r| {
                    let label = match &r.column {
                        Some(c) => format!("{}.{c}", r.node.rsplit('.').next().unwrap_or(&r.node)),
                        None => format!("{} (joins, filters or groups on it)", r.node.rsplit('.').next().unwrap_or(&r.node)),
                    };
                    let href = match &r.column {
                        Some(c) => crate::links::column_lineage_href(&r.node, c),
                        None => node_href(&r.node),
                    };
                    let owners = if r.owners.is_empty() { String::new() } else { format!(" · {}", r.owners.join(", ")) };
                    view! {
                        <li data-node=r.node.clone() data-column=r.column.clone() data-kind=r.kind.clone()>
                            <a href=href>{label}</a>
                            <span class="muted">{format!(" {} · {} · {} hop{}{owners}", r.kind, r.project, r.distance, if r.distance == 1 { "" } else { "s" })}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
    .into_any()
}
