use leptos::prelude::*;

use super::SearchBox;
use crate::api::get_site_info;

/// The bar on every page: the name, the search box and, when serving the embedded
/// demo mesh, a banner that says so.
#[component]
pub fn Header() -> impl IntoView {
    let site = Resource::new(|| (), |_| get_site_info());
    view! {
        <header class="site-header">
            <a class="brand" href="/">"meshlens"</a>
            <nav class="site-nav">
                <a href="/mesh">"Mesh"</a>
                <a href="/">"Projects"</a>
                <a href="/lineage">"Lineage"</a>
                <a href="/owners">"Owners"</a>
                <a href="/groups">"Groups"</a>
                <a href="/versions">"Versions"</a>
                <a href="/governance">"Governance"</a>
                <a href="/review">"Review"</a>
            </nav>
            <SearchBox/>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let demo = site.await.map(|s| s.demo).unwrap_or(false);
                demo.then(|| view! {
                    <p class="demo-banner" role="status">
                        "You are looking at the embedded demo mesh. Run "
                        <code>"meshlens index --data DIR PATH..."</code>
                        " then "<code>"meshlens serve --data DIR"</code>" to explore your own projects."
                    </p>
                })
            })}
        </Suspense>
    }
}
