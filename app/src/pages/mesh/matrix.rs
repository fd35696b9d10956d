//! The mesh as an upstream × downstream matrix, drawn as one SVG (see
//! `matrix_geometry` for why not a table). Each edge is a link with `data-edge`, its
//! counts and an accessible name; each project label carries `data-project`.

use leptos::prelude::*;

use super::{edge_label, lineage_of};
use crate::{
    decimal::D1,
    dto::MeshView,
    matrix_geometry::{cell_text, fit_label, MatrixLayout},
    project_href,
};

/// Upstream projects as rows, downstream as columns; each cell the edge's counts.
#[component]
pub fn MeshMatrix(mesh: MeshView, names: Vec<String>) -> impl IntoView {
    let layout = MatrixLayout::new(&names);
    let index = |name: &str| names.binary_search_by(|p| p.as_str().cmp(name)).ok();
    let heaviest = mesh.edges.iter().map(|e| e.refs + e.inferred).max().unwrap_or(1).max(1) as f64;
    let edges = mesh
        .edges
        .iter()
        .filter_map(|e| Some((e, index(&e.source)?, index(&e.target)?)))
        .map(|(e, row, col)| {
            let c = layout.cell(row, col);
            let opacity = 0.08 + 0.5 * (e.refs + e.inferred) as f64 / heaviest;
            let title = format!("{} uses {}: {}", e.target, e.source, edge_label(e));
            let aria = title.clone();
            view! {
                <a class="edge" href=lineage_of(e) aria-label=aria data-edge=format!("{}->{}", e.source, e.target)
                    data-refs=e.refs data-inferred=e.inferred data-packages=e.packages>
                    <title>{title}</title>
                    <rect x=D1(c.x).to_string() y=D1(c.y).to_string() width=c.w height=c.h fill="#8a3ffc" fill-opacity=format!("{opacity:.2}")/>
                    <text x=D1(c.x + c.w / 2.0).to_string() y=D1(c.y + 16.0).to_string() text-anchor="middle">{cell_text(e.refs, e.inferred)}</text>
                    {(e.packages > 0).then(|| view! {
                        <path class="pkg" d=format!("M{} {}h8v8z", D1(c.x + c.w - 8.0), D1(c.y))/>
                    })}
                </a>
            }
        })
        .collect_view();
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (x, y) = layout.row_label(i);
            view! {
                <a class="row" href=project_href(name) data-project=name.clone()>
                    <title>{name.clone()}</title>
                    <text x=D1(x).to_string() y=D1(y).to_string() text-anchor="end">{fit_label(name)}</text>
                </a>
            }
        })
        .collect_view();
    let columns = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (x, y) = layout.column_label(i);
            view! {
                <a class="column" href=project_href(name) data-project=name.clone()>
                    <title>{name.clone()}</title>
                    <text x=D1(x).to_string() y=D1(y).to_string() transform=format!("rotate(-90 {} {})", D1(x), D1(y))>{fit_label(name)}</text>
                </a>
            }
        })
        .collect_view();
    view! {
        <div class="mesh-matrix-frame">
            <svg class="mesh-matrix" role="group" aria-label="Upstream projects as rows, downstream projects as columns"
                xmlns="http://www.w3.org/2000/svg" width=format!("{:.0}", layout.width) height=format!("{:.0}", layout.height)
                viewBox=format!("0 0 {:.0} {:.0}", layout.width, layout.height)>
                <defs>
                    <pattern id="matrix-self" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="1" height="5" class="hatch"/>
                    </pattern>
                </defs>
                <path class="self" d=layout.diagonal_path() fill="url(#matrix-self)"/>
                <path class="grid" d=layout.grid_path() fill="none"/>
                <text class="corner" x="4" y=format!("{:.1}", layout.header_h - 6.0)>"upstream \\ downstream"</text>
                <g class="columns">{columns}</g>
                <g class="rows">{rows}</g>
                <g class="edges">{edges}</g>
            </svg>
        </div>
        <p class="muted mesh-matrix-caption">
            "Each row is an upstream project, each column a downstream one. A cell counts the refs from the column's project to the row's, then its inferred relations ("<code>"+3i"</code>"); a corner mark is a package install."
        </p>
    }
}
