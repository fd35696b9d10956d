//! The types the engine, the UI and the HTTP layer share: the wire types (`dto`), the
//! error type and its code table (`error`), and the read interface the UI asks
//! (`catalog`). Serde only: no Leptos, no axum, no storage.

pub mod catalog;
pub mod dto;
pub mod error;
