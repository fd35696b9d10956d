use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::get_versions,
    components::{loaded, NodeLinkList},
    dto::{VersionedModel, VersionsView},
    node_href, project_href,
};

/// `/versions`: every versioned model with each version's state, contract and who
/// pins it or follows latest, and the deprecations across the mesh, soonest first.
#[component]
pub fn VersionsPage() -> impl IntoView {
    let versions = Resource::new(|| (), |_| get_versions());
    view! {
        <Title text="Versions"/>
        <h1>"Model versions"</h1>
        {loaded(versions, "Loading…", |v| view! { <Versions data=v/> })}
    }
}

#[component]
fn Versions(data: VersionsView) -> impl IntoView {
    let VersionsView { models, deprecations } = data;
    view! {
        <section class="deprecations">
            <h2>"Deprecations, soonest first"</h2>
            {if deprecations.is_empty() {
                view! { <p class="muted">"No version has a deprecation date."</p> }.into_any()
            } else {
                view! {
                    <table>
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Model version"</th><th scope="col">"Project"</th><th scope="col" class="num">"Still pinned by"</th></tr></thead>
                        <tbody>
                            {deprecations.into_iter().map(|d| view! {
                                <tr data-unique-id=d.unique_id.clone() class:past=d.past>
                                    <td>{d.date.clone()}{d.past.then_some(" (passed)")}</td>
                                    <th scope="row"><a href=node_href(&d.unique_id)>{format!("{} v{}", d.name, d.version)}</a></th>
                                    <td><a href=project_href(&d.project)>{d.project.clone()}</a></td>
                                    <td class="num pinned-count">{d.pinned_by}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {models.into_iter().map(|m| view! { <Model model=m/> }).collect_view()}
    }
}

#[component]
fn Model(model: VersionedModel) -> impl IntoView {
    let VersionedModel { project, name, latest_version, versions } = model;
    view! {
        <section class="versioned-model" data-model=format!("{project}.{name}")>
            <h2>{name.clone()}" "<span class="project">"in "<a href=project_href(&project)>{project.clone()}</a></span>
                {latest_version.map(|l| view! { " "<span class="muted">{format!("latest: v{l}")}</span> })}
            </h2>
            <table>
                <thead><tr><th scope="col">"Version"</th><th scope="col">"State"</th><th scope="col">"Contract"</th><th scope="col">"Pinned by"</th><th scope="col">"Following latest"</th></tr></thead>
                <tbody>
                    {versions.into_iter().map(|v| view! {
                        <tr data-unique-id=v.unique_id.clone() data-state=v.state.clone()>
                            <th scope="row"><a href=node_href(&v.unique_id)>{format!("v{}", v.version)}</a></th>
                            <td><span class=format!("badge state {}", v.state)>{v.state.clone()}</span>
                                {v.deprecation_date.clone().map(|d| view! { " "<span class="muted">{format!("deprecated {}", d.get(..10).unwrap_or(&d))}</span> })}
                            </td>
                            <td>{if v.contract_enforced { "enforced" } else { "none" }}</td>
                            <td class="pinned-by"><NodeLinkList links=v.pinned_by empty="—"/></td>
                            <td class="following"><NodeLinkList links=v.following_latest empty="—"/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
