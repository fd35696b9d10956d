use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::{api::get_mesh, components::loaded, dto::MeshView, links::lineage_href, project_href};

const W: f64 = 220.0;
const H: f64 = 60.0;
const PAD: f64 = 30.0;

/// `/mesh`: projects as nodes, the refs between them as weighted edges.
#[component]
pub fn MeshPage() -> impl IntoView {
    let mesh = Resource::new(|| (), |_| get_mesh());
    view! {
        <Title text="Mesh"/>
        <h1>"The mesh"</h1>
        {loaded(mesh, "Loading…", |m| view! { <Mesh mesh=m/> })}
    }
}

#[component]
fn Mesh(mesh: MeshView) -> impl IntoView {
    let navigate = use_navigate();
    let position = |name: &str| mesh.projects.iter().find(|p| p.name == name).map(|p| (p.x, p.y));
    let heaviest = mesh.edges.iter().map(|e| e.refs + e.inferred).max().unwrap_or(1).max(1) as f64;
    let edges = mesh
        .edges
        .iter()
        .filter_map(|e| {
            let (sx, sy) = position(&e.source)?;
            let (tx, ty) = position(&e.target)?;
            let (x1, y1, x2, y2) = (sx + W, sy + H / 2.0, tx, ty + H / 2.0);
            let mid = (x1 + x2) / 2.0;
            let weight = (e.refs + e.inferred) as f64;
            let width = 1.5 + 6.0 * weight / heaviest;
            let mut parts = vec![format!("{} refs", e.refs)];
            if e.inferred > 0 {
                parts.push(format!("{} inferred", e.inferred));
            }
            if e.packages > 0 {
                parts.push("package".to_string());
            }
            let label = parts.join(", ");
            Some(view! {
                <g class="mesh-edge" class:package={e.packages > 0} data-source=e.source.clone() data-target=e.target.clone()>
                    <path d=format!("M{x1:.1} {y1:.1} C{mid:.1} {y1:.1} {mid:.1} {y2:.1} {x2:.1} {y2:.1}") fill="none" stroke="#8a3ffc" stroke-opacity="0.7" stroke-width=format!("{width:.1}") stroke-dasharray=if e.refs == 0 { "6 4" } else { "" }/>
                    <text x=format!("{:.1}", mid) y=format!("{:.1}", (y1 + y2) / 2.0 - 6.0) text-anchor="middle" font-size="12" fill="currentColor">{label}</text>
                </g>
            })
        })
        .collect_view();
    let projects = mesh
        .projects
        .iter()
        .map(|p| {
            let href = project_href(&p.name);
            let navigate = navigate.clone();
            view! {
                <g class="mesh-project" class:external=p.external data-project=p.name.clone() transform=format!("translate({:.1} {:.1})", p.x, p.y) on:click=move |_| navigate(&href, Default::default())>
                    <rect width=W height=H rx="8" fill=if p.external { "#9aa3ad" } else { "#3056d3" }/>
                    <text x="12" y="24" fill="#fff" font-size="15" font-weight="700" font-family="system-ui, sans-serif">{p.name.clone()}</text>
                    <text x="12" y="44" fill="#eef" font-size="11.5" font-family="system-ui, sans-serif">
                        {if p.external { "external".to_string() } else { format!("{} models · {} public", p.models, p.public_models) }}
                    </text>
                </g>
            }
        })
        .collect_view();
    let (width, height) = (mesh.width + 2.0 * PAD, mesh.height + 2.0 * PAD);
    view! {
        <svg class="mesh-svg" role="img" aria-label="Projects and the refs between them" xmlns="http://www.w3.org/2000/svg"
            viewBox=format!("{:.0} {:.0} {width:.0} {height:.0}", -PAD, -PAD) preserveAspectRatio="xMinYMin meet"
            style=format!("height: min(60vh, {height:.0}px)")>
            {edges}
            {projects}
        </svg>
        <h2>"Who uses whom"</h2>
        <table class="mesh-edges">
            <thead><tr><th scope="col">"Upstream"</th><th scope="col">"Downstream"</th><th scope="col" class="num">"Refs"</th><th scope="col" class="num">"Inferred"</th><th scope="col" class="num">"Package"</th><th scope="col">"Upstream models used"</th></tr></thead>
            <tbody>
                {mesh.edges.iter().map(|e| {
                    let lineage = lineage_href(&e.model_ids.iter().map(|id| format!("{id}+1")).collect::<Vec<_>>().join(" "), "", "project", &[]);
                    view! {
                        <tr data-source=e.source.clone() data-target=e.target.clone()>
                            <td><a href=project_href(&e.source)>{e.source.clone()}</a></td>
                            <td><a href=project_href(&e.target)>{e.target.clone()}</a></td>
                            <td class="num">{e.refs}</td>
                            <td class="num">{e.inferred}</td>
                            <td class="num" data-packages=e.packages>{(e.packages > 0).then(|| format!("installed ({} nodes)", e.packages))}</td>
                            <td>{e.models.join(", ")}" "<a class="lineage-link" href=lineage>"lineage"</a></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
