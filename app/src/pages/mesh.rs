use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api::get_mesh,
    components::loaded,
    decimal::D1,
    dto::{MeshEdge, MeshView},
    lineage_style::colour_in,
    links::lineage_href,
    mesh_geometry::{edge_shapes, BOX_H, BOX_W},
    node_href, project_href,
};

mod matrix;

use matrix::MeshMatrix;

const PAD: f64 = 30.0;
/// Above this many projects or edges the matrix reads better than the graph, and
/// `/mesh` opens on it (`?view=graph` still draws the graph).
const GRAPH_MAX_PROJECTS: usize = 12;
const GRAPH_MAX_EDGES: usize = 30;

/// Which view `/mesh?view=` asks for, with auto decided by the mesh's size.
pub fn mesh_view_choice(asked: &str, projects: usize, edges: usize) -> &'static str {
    match asked {
        "graph" => "graph",
        "matrix" => "matrix",
        _ if projects > GRAPH_MAX_PROJECTS || edges > GRAPH_MAX_EDGES => "matrix",
        _ => "graph",
    }
}

/// An edge's label: its refs, inferred relations and package install, shortly.
fn edge_label(e: &MeshEdge) -> String {
    let mut parts = Vec::new();
    if e.refs > 0 {
        parts.push(format!("{} refs", e.refs));
    }
    if e.inferred > 0 {
        parts.push(format!("{} inferred", e.inferred));
    }
    if e.packages > 0 {
        parts.push("package".to_string());
    }
    parts.join(" · ")
}

fn lineage_of(e: &MeshEdge) -> String {
    lineage_href(&e.model_ids.iter().map(|id| format!("{id}+1")).collect::<Vec<_>>().join(" "), "", "project", &[])
}

/// `/mesh?view=graph|matrix`: projects as nodes, the refs between them as weighted
/// edges, or the same as an upstream × downstream matrix.
#[component]
pub fn MeshPage() -> impl IntoView {
    let mesh = Resource::new(|| (), |_| get_mesh());
    let query = use_query_map();
    view! {
        <Title text="Mesh"/>
        <h1>"The mesh"</h1>
        {loaded(mesh, "Loading…", move |m| {
            let choice = mesh_view_choice(&query.read().get("view").unwrap_or_default(), m.projects.len(), m.edges.len());
            view! { <Mesh mesh=m choice/> }
        })}
    }
}

#[component]
fn Mesh(mesh: MeshView, choice: &'static str) -> impl IntoView {
    let names: Vec<String> = mesh.projects.iter().map(|p| p.name.clone()).collect();
    let switch = view! {
        <p class="mesh-views" data-view=choice>
            "View: "
            <a href="/mesh?view=graph" class:current=choice == "graph" aria-current=(choice == "graph").then_some("page")>"graph"</a>
            " · "
            <a href="/mesh?view=matrix" class:current=choice == "matrix" aria-current=(choice == "matrix").then_some("page")>"matrix"</a>
            <span class="muted">{format!(" — {} projects, {} edges", mesh.projects.len(), mesh.edges.len())}</span>
        </p>
    };
    view! {
        {switch}
        {if choice == "matrix" {
            view! { <MeshMatrix mesh=mesh.clone() names=names.clone()/> }.into_any()
        } else {
            view! { <MeshGraph mesh=mesh.clone() names=names.clone()/> }.into_any()
        }}
        <WhoUsesWhom mesh/>
    }
}

#[component]
fn MeshGraph(mesh: MeshView, names: Vec<String>) -> impl IntoView {
    let navigate = use_navigate();
    let index = |name: &str| names.binary_search_by(|p| p.as_str().cmp(name)).ok();
    let boxes: Vec<(f64, f64)> = mesh.projects.iter().map(|p| (p.x, p.y)).collect();
    let drawn: Vec<&MeshEdge> =
        mesh.edges.iter().filter(|e| index(&e.source).is_some() && index(&e.target).is_some()).collect();
    let pairs: Vec<(usize, usize)> =
        drawn.iter().filter_map(|e| Some((index(&e.source)?, index(&e.target)?))).collect();
    let labels: Vec<String> = drawn.iter().map(|e| edge_label(e)).collect();
    let shapes = edge_shapes(&boxes, &pairs, &labels);
    let heaviest = mesh.edges.iter().map(|e| e.refs + e.inferred).max().unwrap_or(1).max(1) as f64;
    // The drawing's bounds take in the labels placed off their curves.
    let (mut max_x, mut max_y, mut min_x, mut min_y) = (mesh.width, mesh.height.max(BOX_H), 0.0f64, 0.0f64);
    for s in &shapes {
        max_x = max_x.max(s.label.x + s.label.w);
        max_y = max_y.max(s.label.y + s.label.h);
        min_x = min_x.min(s.label.x);
        min_y = min_y.min(s.label.y);
    }
    let edges = drawn
        .iter()
        .zip(shapes)
        .zip(labels)
        .map(|((e, shape), label)| {
            let width = 1.5 + 5.0 * (e.refs + e.inferred) as f64 / heaviest;
            let edge = format!("{}->{}", e.source, e.target);
            let title = format!("{} uses {}: {label}", e.target, e.source);
            let r = shape.label;
            view! {
                <g class="mesh-edge" class:package={e.packages > 0} data-source=e.source.clone() data-target=e.target.clone()>
                    <path d=shape.path fill="none" stroke="#8a3ffc" stroke-opacity="0.65" stroke-width=format!("{width:.1}") stroke-dasharray=if e.refs == 0 { "6 4" } else { "" } marker-end="url(#mesh-arrow)"/>
                    {shape.leader.map(|(x1, y1, x2, y2)| view! {
                        <line class="leader" x1=D1(x1).to_string() y1=D1(y1).to_string() x2=D1(x2).to_string() y2=D1(y2).to_string() stroke="#8a3ffc" stroke-opacity="0.5" stroke-dasharray="2 2"/>
                    })}
                    <g class="edge-label" data-edge=edge>
                        <title>{title}</title>
                        <rect x=D1(r.x).to_string() y=D1(r.y).to_string() width=D1(r.w).to_string() height=D1(r.h).to_string() rx="4" class="label-bg"/>
                        <text x=D1(r.x + r.w / 2.0).to_string() y=D1(r.y + 13.0).to_string() text-anchor="middle" font-size="12" fill="currentColor">{label}</text>
                    </g>
                </g>
            }
        })
        .collect_view();
    let projects = mesh
        .projects
        .iter()
        .map(|p| {
            let href = project_href(&p.name);
            let navigate = navigate.clone();
            let colour = if p.external { "#9aa3ad" } else { colour_in("project", &p.name, &names) };
            let target = href.clone();
            view! {
                <g class="mesh-project" class:external=p.external data-project=p.name.clone() transform=format!("translate({} {})", D1(p.x), D1(p.y))>
                    <a href=href aria-label=format!("Project {}", p.name) on:click=move |ev: leptos::ev::MouseEvent| { ev.prevent_default(); navigate(&target, Default::default()); }>
                        <rect width=BOX_W height=BOX_H rx="8" fill=colour/>
                        <text x="12" y="24" fill="#fff" font-size="15" font-weight="700" font-family="system-ui, sans-serif">{p.name.clone()}</text>
                        <text x="12" y="44" fill="#eef" font-size="11.5" font-family="system-ui, sans-serif">
                            {if p.external { "external".to_string() } else { format!("{} models · {} public", p.models, p.public_models) }}
                        </text>
                    </a>
                </g>
            }
        })
        .collect_view();
    let (x0, y0) = (min_x - PAD, min_y - PAD);
    let (width, height) = (max_x - min_x + 2.0 * PAD, max_y - min_y + 2.0 * PAD);
    view! {
        <svg class="mesh-svg" role="group" aria-label="Projects and the refs between them" xmlns="http://www.w3.org/2000/svg"
            viewBox=format!("{x0:.0} {y0:.0} {width:.0} {height:.0}") preserveAspectRatio="xMidYMin meet"
            style=format!("height: min(75vh, {height:.0}px)")>
            <defs>
                <marker id="mesh-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#8a3ffc"/>
                </marker>
            </defs>
            {edges}
            {projects}
        </svg>
    }
}

#[component]
fn WhoUsesWhom(mesh: MeshView) -> impl IntoView {
    if mesh.edges.is_empty() {
        let text = match mesh.projects.len() {
            0 | 1 => "Nothing is shared: the mesh has one project.".to_string(),
            n => format!(
                "None of the {n} projects reads another: no cross-project refs, no source() reading another project's model, no package installs."
            ),
        };
        return view! {
            <h2>"Who uses whom"</h2>
            <p class="muted mesh-no-edges">{text}</p>
        }
        .into_any();
    }
    view! {
        <h2>"Who uses whom"</h2>
        <table class="mesh-edges">
            <thead><tr><th scope="col">"Upstream"</th><th scope="col">"Downstream"</th><th scope="col" class="num">"Refs"</th><th scope="col" class="num">"Inferred"</th><th scope="col" class="num">"Package"</th><th scope="col">"Upstream models used"</th></tr></thead>
            <tbody>
                {mesh.edges.iter().map(|e| {
                    let models = e.models.iter().zip(&e.model_ids).map(|(name, id)| view! { <li><a href=node_href(id)>{name.clone()}</a></li> }).collect_view();
                    view! {
                        <tr data-source=e.source.clone() data-target=e.target.clone()>
                            <td><a href=project_href(&e.source)>{e.source.clone()}</a></td>
                            <td><a href=project_href(&e.target)>{e.target.clone()}</a></td>
                            <td class="num">{e.refs}</td>
                            <td class="num">{e.inferred}</td>
                            <td class="num" data-packages=e.packages>{(e.packages > 0).then(|| format!("installed ({} nodes)", e.packages))}</td>
                            <td>
                                <details class="used-models" data-count=e.models.len()>
                                    <summary>{format!("{} model{}", e.models.len(), if e.models.len() == 1 { "" } else { "s" })}</summary>
                                    <ul>{models}</ul>
                                </details>
                                " "<a class="lineage-link" href=lineage_of(e)>"lineage"</a>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::mesh_view_choice;

    #[test]
    fn the_matrix_is_chosen_for_dense_meshes() {
        assert_eq!(mesh_view_choice("", 4, 4), "graph");
        assert_eq!(mesh_view_choice("", 5, 20), "graph");
        assert_eq!(mesh_view_choice("", 13, 12), "matrix");
        assert_eq!(mesh_view_choice("", 8, 31), "matrix");
        assert_eq!(mesh_view_choice("graph", 50, 400), "graph");
        assert_eq!(mesh_view_choice("matrix", 2, 1), "matrix");
        assert_eq!(mesh_view_choice("bogus", 2, 1), "graph");
    }
}
