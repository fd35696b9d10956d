use leptos::prelude::*;
use leptos_meta::Title;

/// The body of a page whose subject does not exist: a real 404 on the server, what
/// was asked for, and a way back.
#[component]
pub fn Missing(
    /// "Node not found", "Owner not found", …
    title: &'static str,
    back_href: &'static str,
    back_label: &'static str,
    children: Children,
) -> impl IntoView {
    crate::pages::set_not_found_status();
    view! {
        <Title text=title/>
        <section class="not-found">
            <h1>{format!("404 · {title}")}</h1>
            <p>{children()}</p>
            <p><a href=back_href>{back_label}</a></p>
        </section>
    }
}
