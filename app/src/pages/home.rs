use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::list_projects, components::loaded, dto::ProjectSummary, project_href};

#[component]
pub fn HomePage() -> impl IntoView {
    let projects = Resource::new(|| (), |_| list_projects());
    view! {
        <Title text="Projects"/>
        <h1>"Projects"</h1>
        {loaded(projects, "Loading projects…", move |value| match value {
            list if list.is_empty() => view! {
                <p class="muted">"No projects are indexed yet. Run " <code>"meshlens index --data DIR PATH..."</code> "."</p>
            }.into_any(),
            list => view! { <ProjectTable projects=list/> }.into_any(),
        })}
    }
}

#[component]
fn ProjectTable(projects: Vec<ProjectSummary>) -> impl IntoView {
    view! {
        <table class="projects">
            <thead>
                <tr>
                    <th scope="col">"Project"</th>
                    <th scope="col">"dbt"</th>
                    <th scope="col">"Schema"</th>
                    <th scope="col" class="num">"Models"</th>
                    <th scope="col" class="num">"Sources"</th>
                    <th scope="col" class="num">"Tests"</th>
                    <th scope="col" class="num">"Public"</th>
                    <th scope="col" class="num">"Cross-project edges"</th>
                    <th scope="col" class="num">"Findings"</th>
                </tr>
            </thead>
            <tbody>
                {projects
                    .into_iter()
                    .map(|p| {
                        view! {
                            <tr data-project=p.name.clone()>
                                <th scope="row"><a href=project_href(&p.name)>{p.name.clone()}</a></th>
                                <td>{p.dbt_version.clone()}</td>
                                <td>{format!("v{}", p.schema_version)}</td>
                                <td class="num" data-count="models">{p.counts.models}</td>
                                <td class="num" data-count="sources">{p.counts.sources}</td>
                                <td class="num" data-count="tests">{p.counts.tests}</td>
                                <td class="num" data-count="public_models">{p.counts.public_models}</td>
                                <td class="num" data-count="cross_project_edges">{p.counts.cross_project_edges}</td>
                                <td class="num" data-count="findings">{p.counts.findings}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
