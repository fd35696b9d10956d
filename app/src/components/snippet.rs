use leptos::prelude::*;

use crate::dto::SnippetPart;

/// Text with the parts that matched a query marked; plain text, never HTML.
#[component]
pub fn Snippet(parts: Vec<SnippetPart>) -> impl IntoView {
    parts
        .into_iter()
        .map(|p| if p.highlight { view! { <mark>{p.text}</mark> }.into_any() } else { p.text.into_any() })
        .collect_view()
}
