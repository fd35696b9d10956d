use leptos::prelude::*;

use crate::{dto::NodeLink, node_href};

/// A list of neighbours as links, with cross-project and inferred edges marked.
#[component]
pub fn NodeLinkList(links: Vec<NodeLink>, empty: &'static str) -> impl IntoView {
    if links.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="node-links">
            {links
                .into_iter()
                .map(|link| {
                    let class = if link.inferred {
                        "node-link inferred"
                    } else if link.cross_project {
                        "node-link cross-project"
                    } else {
                        "node-link"
                    };
                    view! {
                        <li class=class>
                            <a href=node_href(&link.unique_id)>{link.name.clone()}</a>
                            {link.version.clone().map(|v| view! { " "<span class="badge version">{format!("v{v}")}</span> })}
                            " "
                            <span class="badge type">{link.resource_type.clone()}</span>
                            " "
                            <span class="project">{link.project.clone()}</span>
                            {link.cross_project.then(|| view! { " " <span class="badge xproj" title="This edge crosses projects">"cross-project"</span> })}
                            {link.inferred.then(|| view! { " " <span class="badge inferred" title="Inferred: a source() reads this project's model table">"inferred"</span> })}
                            {link.external.then(|| view! { " " <span class="badge external" title="Known only from a copy injected into a downstream manifest">"external"</span> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
