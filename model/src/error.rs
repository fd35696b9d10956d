//! One error type from the engine to the response, and one table of its codes.
//!
//! The engine answers with an [`Error`]; the JSON API sends it as
//! `{"error": {"code", "message"}}`, server functions carry it to the page, and a page
//! shows its message with the same status. Nothing between turns it into a string.

use serde::{Deserialize, Serialize};

/// What went wrong, as scripts match on it. Each code has one HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NodeNotFound,
    /// The node is known but has no such column.
    ColumnNotFound,
    ProjectNotFound,
    OwnerNotFound,
    RouteNotFound,
    /// A parameter out of its allowed range, a selector mistake, a body that is not
    /// what the route reads.
    BadRequest,
    MethodNotAllowed,
    UnsupportedMediaType,
    PayloadTooLarge,
    UriTooLong,
    /// Too many uploads are being compared at once; try again after `Retry-After`.
    Busy,
    /// The server has no published index to answer from.
    NoIndex,
    Timeout,
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of the README's table.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::NodeNotFound,
        ErrorCode::ColumnNotFound,
        ErrorCode::ProjectNotFound,
        ErrorCode::OwnerNotFound,
        ErrorCode::RouteNotFound,
        ErrorCode::BadRequest,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UriTooLong,
        ErrorCode::Busy,
        ErrorCode::NoIndex,
        ErrorCode::Timeout,
        ErrorCode::Internal,
    ];

    /// The table: machine code and HTTP status.
    pub const fn describe(self) -> (&'static str, u16) {
        match self {
            ErrorCode::NodeNotFound => ("node_not_found", 404),
            ErrorCode::ColumnNotFound => ("column_not_found", 404),
            ErrorCode::ProjectNotFound => ("project_not_found", 404),
            ErrorCode::OwnerNotFound => ("owner_not_found", 404),
            ErrorCode::RouteNotFound => ("route_not_found", 404),
            ErrorCode::BadRequest => ("bad_request", 400),
            ErrorCode::MethodNotAllowed => ("method_not_allowed", 405),
            ErrorCode::UnsupportedMediaType => ("unsupported_media_type", 415),
            ErrorCode::PayloadTooLarge => ("payload_too_large", 413),
            ErrorCode::UriTooLong => ("uri_too_long", 414),
            ErrorCode::Busy => ("busy", 503),
            ErrorCode::NoIndex => ("no_index", 503),
            ErrorCode::Timeout => ("timeout", 408),
            ErrorCode::Internal => ("internal", 500),
        }
    }

    pub const fn as_str(self) -> &'static str {
        self.describe().0
    }

    pub const fn status(self) -> u16 {
        self.describe().1
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// The request parameter the error is about, when it is about one (`select`, `offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), parameter: None }
    }

    /// A bad value of one named parameter; the message starts with its name.
    pub fn parameter(name: &str, message: impl std::fmt::Display) -> Self {
        Error { code: ErrorCode::BadRequest, message: format!("{name}: {message}"), parameter: Some(name.to_string()) }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::new(ErrorCode::Internal, e.to_string())
    }

    pub fn status(&self) -> u16 {
        self.code.status()
    }
}

/// Errors the server-function machinery raises itself. On the server these are requests
/// whose arguments could not be read, so they are the client's mistake; the HTTP layer
/// gives a server function's error response the status of its code.
#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for Error {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        // The server never decodes a server function's result (it calls the function
        // itself), so there a decoding error is the request's; in the browser the
        // message is what counts.
        let code = match &value {
            E::Args(_) | E::MissingArg(_) | E::UnsupportedRequestMethod(_) | E::Deserialization(_) => {
                ErrorCode::BadRequest
            }
            _ => ErrorCode::Internal,
        };
        Error::new(code, value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_distinct_name_and_an_error_status() {
        let mut names = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(names.insert(code.as_str()), "{code:?}");
            assert!((400..600).contains(&code.status()), "{code:?}");
            let json = serde_json_value(code);
            assert_eq!(json, code.as_str(), "serde and the table agree");
        }
    }

    fn serde_json_value(code: ErrorCode) -> String {
        let text = serde_json::to_string(&code).unwrap();
        text.trim_matches('"').to_string()
    }

    #[test]
    fn a_parameter_error_names_the_parameter() {
        let e = Error::parameter("offset", "must be at most 10000, not 99999");
        assert_eq!(e.code, ErrorCode::BadRequest);
        assert_eq!(e.status(), 400);
        assert_eq!(e.to_string(), "offset: must be at most 10000, not 99999");
        assert_eq!(e.parameter.as_deref(), Some("offset"));
    }
}
