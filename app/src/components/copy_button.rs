use leptos::prelude::*;

/// Copies `text` to the clipboard. Hidden until the page is hydrated (see the CSS):
/// without JavaScript the text itself stays selectable.
#[component]
pub fn CopyButton(text: String, #[prop(default = "Copy")] label: &'static str) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        set_copied.set(true);
    };
    view! {
        <button type="button" class="copy" on:click=on_click>
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}
