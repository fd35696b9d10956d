use leptos::prelude::*;
use leptos_meta::Title;

use crate::{api::list_owners, components::loaded, dto::OwnerSummary, owner_href};

/// `/owners`: everyone who owns something, from groups, meta and exposures.
#[component]
pub fn OwnersPage() -> impl IntoView {
    let owners = Resource::new(|| (), |_| list_owners());
    view! {
        <Title text="Owners"/>
        <h1>"Owners"</h1>
        {loaded(owners, "Loading owners…", move |value| match value {
            list if list.is_empty() => view! { <p class="muted">"No node declares an owner."</p> }.into_any(),
            list => view! { <OwnerTable owners=list/> }.into_any(),
        })}
    }
}

#[component]
fn OwnerTable(owners: Vec<OwnerSummary>) -> impl IntoView {
    view! {
        <table class="owners-table">
            <thead>
                <tr><th scope="col">"Owner"</th><th scope="col">"Emails"</th><th scope="col">"Declared in"</th><th scope="col" class="num">"Nodes"</th></tr>
            </thead>
            <tbody>
                {owners
                    .into_iter()
                    .map(|o| view! {
                        <tr data-owner=o.key.clone()>
                            <th scope="row"><a href=owner_href(&o.key)>{o.key.clone()}</a></th>
                            <td>{o.emails.join(", ")}</td>
                            <td class="muted">{o.sources.join(", ")}</td>
                            <td class="num">{o.nodes}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
