use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::list_groups,
    components::{loaded, NodeLinkList},
    dto::GroupView,
    owner_href, project_href,
};

/// `/groups`: each group with its owner and members.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let groups = Resource::new(|| (), |_| list_groups());
    view! {
        <Title text="Groups"/>
        <h1>"Groups"</h1>
        {loaded(groups, "Loading…", move |value| match value {
            list if list.is_empty() => view! { <p class="muted">"No project defines a group."</p> }.into_any(),
            list => list.into_iter().map(|g| view! { <Group group=g/> }).collect_view().into_any(),
        })}
    }
}

#[component]
fn Group(group: GroupView) -> impl IntoView {
    let GroupView { project, name, description, owner_name, owner_emails, members } = group;
    let owner_key = owner_name.clone().or_else(|| owner_emails.first().cloned());
    view! {
        <section class="group" id=crate::encode(&name) data-group=format!("{project}.{name}")>
            <h2>{name.clone()}" "<span class="project">"in "<a href=project_href(&project)>{project.clone()}</a></span></h2>
            {description.filter(|d| !d.is_empty()).map(|d| view! { <p>{d}</p> })}
            <p class="group-owner">"Owner: "
                {owner_key.map(|k| view! { <a class="owner" href=owner_href(&k)>{owner_name.clone().unwrap_or(k.clone())}</a> })}
                {owner_emails.into_iter().map(|e| view! { " "<a href=format!("mailto:{e}")>{e.clone()}</a> }).collect_view()}
            </p>
            <NodeLinkList links=members empty="No members."/>
        </section>
    }
}
