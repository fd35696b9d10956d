//! The minimap: the whole view in a small box, with the part the frame shows outlined.
//! A click on it centres the frame there. Nodes are drawn as one path per colour, so a
//! 5,000-node view adds a handful of elements, not 5,000.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::{pan_zoom::Camera, H, PAD, W};
use crate::{
    dto::LineageView,
    lineage_style::{colour_in, lens_value},
};

const MAX_W: f64 = 200.0;
const MAX_H: f64 = 140.0;

#[component]
pub fn Minimap(view: LineageView, lens: String, camera: Camera) -> impl IntoView {
    let (width, height) = (view.width + 2.0 * PAD, view.height + 2.0 * PAD);
    let k = (MAX_W / width).min(MAX_H / height).min(0.5);
    let (mw, mh) = ((width * k).max(24.0), (height * k).max(16.0));
    let mut paths: BTreeMap<&'static str, String> = BTreeMap::new();
    for n in &view.nodes {
        let colour = if n.resource_type == "group" {
            "#4b5563"
        } else {
            colour_in(&lens, &lens_value(&lens, n), &view.projects)
        };
        let (x, y) = (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0));
        paths.entry(colour).or_default().push_str(&format!("M{x:.0} {y:.0}h{W:.0}v{H:.0}h-{W:.0}z"));
    }
    let paths = paths.into_iter().map(|(colour, d)| view! { <path d=d fill=colour/> }).collect_view();
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        if let Some(svg) = svg_ref.get_untracked() {
            let rect = svg.get_bounding_client_rect();
            let gx = (f64::from(ev.client_x()) - rect.left()) / rect.width() * width - PAD;
            let gy = (f64::from(ev.client_y()) - rect.top()) / rect.height() * height - PAD;
            camera.centre_on(gx, gy);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, svg_ref);
    };
    let outline = move || {
        camera.visible().map(|(x, y, w, h)| {
            view! { <rect class="minimap-frame" x=format!("{x:.0}") y=format!("{y:.0}") width=format!("{w:.0}") height=format!("{h:.0}") fill="none" stroke="#111827" stroke-width=format!("{:.1}", 2.0 / k)/> }
        })
    };
    view! {
        <svg
            node_ref=svg_ref
            class="minimap"
            xmlns="http://www.w3.org/2000/svg"
            width=format!("{mw:.0}")
            height=format!("{mh:.0}")
            viewBox=format!("{:.0} {:.0} {width:.0} {height:.0}", -PAD, -PAD)
            preserveAspectRatio="none"
            role="img"
            aria-label="Minimap of the whole view"
            on:click=on_click
        >
            <rect x=format!("{:.0}", -PAD) y=format!("{:.0}", -PAD) width=format!("{width:.0}") height=format!("{height:.0}") fill="#f9fafb"/>
            {paths}
            {outline}
        </svg>
    }
}
