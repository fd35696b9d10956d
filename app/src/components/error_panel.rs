use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{set_response_status, Error};

/// The body of a page whose data could not be had: the error's message, with the
/// error's status on the server's response, logged there once.
#[component]
pub fn ErrorPanel(error: Error) -> impl IntoView {
    set_response_status(&error);
    #[cfg(feature = "ssr")]
    if error.status() >= 500 {
        tracing::error!(code = error.code.as_str(), error = %error.message, "page failed");
    } else {
        tracing::warn!(code = error.code.as_str(), error = %error.message, "page refused its request");
    }
    let heading = match error.status() {
        400 => "Bad request",
        404 => "Not found",
        503 => "Unavailable",
        500 => "Something went wrong",
        _ => "Cannot show this page",
    };
    let status = error.status();
    view! {
        <Title text=heading/>
        <section class="error-page" data-error-code=error.code.as_str()>
            <h2>{format!("{status} · {heading}")}</h2>
            {if error.parameter.as_deref().is_some_and(|p| p == "select" || p == "exclude") {
                view! { <pre class="error selector-error">{error.message.clone()}</pre> }.into_any()
            } else {
                view! { <p class="error">{error.message.clone()}</p> }.into_any()
            }}
        </section>
    }
}
