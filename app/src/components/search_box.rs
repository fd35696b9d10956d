use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::search_nodes;

/// How many suggestions the box shows while typing.
const SUGGESTIONS: usize = 8;

/// A search form that works without JavaScript (it submits to `/search`) and, once
/// hydrated, suggests nodes as you type, with arrow keys and Enter to open one.
#[component]
pub fn SearchBox() -> impl IntoView {
    let (query, set_query) = signal(String::new());
    let (selected, set_selected) = signal(None::<usize>);
    let suggestions = LocalResource::new(move || {
        let q = query.get();
        async move {
            if q.trim().is_empty() {
                Vec::new()
            } else {
                search_nodes(q, SUGGESTIONS, 0).await.map(|r| r.hits).unwrap_or_default()
            }
        }
    });
    let hits = move || suggestions.get().unwrap_or_default();
    let navigate = use_navigate();
    let input_ref = NodeRef::<leptos::html::Input>::new();

    // `/` anywhere but in a text field focuses the box, as on most sites with search.
    let _ = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let typing = document()
            .active_element()
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if let (false, Some(input)) = (typing, input_ref.get_untracked()) {
            ev.prevent_default();
            let _ = input.focus();
        }
    });

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = hits().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                set_selected.update(|s| *s = Some(s.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                set_selected.update(|s| *s = Some(s.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                if let Some(hit) = selected.get_untracked().and_then(|i| hits().get(i).cloned()) {
                    ev.prevent_default();
                    set_query.set(String::new());
                    navigate(&crate::links::hit_href(&hit.unique_id, hit.column.as_deref()), Default::default());
                }
            }
            "Escape" => set_query.set(String::new()),
            _ => {}
        }
    };

    view! {
        <form class="search-box" action="/search" method="get" role="search">
            <input
                type="search"
                name="q"
                node_ref=input_ref
                placeholder="Search nodes…  ( / )"
                aria-label="Search nodes"
                autocomplete="off"
                prop:value=query
                on:input=move |ev| {
                    set_selected.set(None);
                    set_query.set(event_target_value(&ev));
                }
                on:keydown=on_keydown
            />
            <button type="submit">"Search"</button>
            <Show when=move || !hits().is_empty()>
                <ul class="suggestions" role="listbox">
                    {move || {
                        hits()
                            .into_iter()
                            .enumerate()
                            .map(|(i, hit)| {
                                let active = move || selected.get() == Some(i);
                                view! {
                                    <li role="option" class:active=active aria-selected=move || active().to_string()>
                                        <a href=crate::links::hit_href(&hit.unique_id, hit.column.as_deref()) on:click=move |_| set_query.set(String::new())>
                                            <span class="hit-name">{hit.name.clone()}{hit.column.clone().map(|c| format!(".{c}"))}</span>
                                            " "
                                            <span class="badge type">{hit.resource_type.clone()}</span>
                                            " "
                                            <span class="project">{hit.project.clone()}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </form>
    }
}
