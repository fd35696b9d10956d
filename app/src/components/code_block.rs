use leptos::prelude::*;

use super::CopyButton;
use crate::sql::highlight;

/// SQL with its Jinja, highlighted, with a copy button.
#[component]
pub fn CodeBlock(code: String, label: &'static str) -> impl IntoView {
    let spans = highlight(&code)
        .into_iter()
        .map(|(kind, text)| {
            let text = text.to_string();
            match kind.class() {
                "" => text.into_any(),
                class => view! { <span class=class>{text}</span> }.into_any(),
            }
        })
        .collect_view();
    view! {
        <div class="code-block" data-code=label>
            <CopyButton text=code.clone()/>
            <pre><code>{spans}</code></pre>
        </div>
    }
}
