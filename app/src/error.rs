//! The error type pages and server functions carry is the engine's, `model::error`;
//! here is what the UI adds to it: the server's response takes the error's status.

pub use model::error::{Error, ErrorCode};

/// On the server, the response (a page or a server function's answer) takes the
/// error's status; in the browser there is no response to set.
pub fn set_response_status(error: &Error) {
    #[cfg(feature = "ssr")]
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
