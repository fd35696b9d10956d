use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    super::set_not_found_status();
    view! {
        <Title text="Not found"/>
        <section class="not-found">
            <h1>"404 · Not found"</h1>
            <p>"There is no page at this address."</p>
            <p><a href="/">"Back to the projects"</a></p>
        </section>
    }
}
