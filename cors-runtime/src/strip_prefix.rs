//! The prefix of a nested router taken off the request's path before its
//! handlers see it, as axum's `Router::nest` does: route-cors registers a
//! nested router's paths at their full paths, so that each path is matched
//! once, and its handlers still see the path under the prefix.

use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use http::uri::PathAndQuery;
use http::Uri;
use tower_layer::Layer;
use tower_service::Service;

#[derive(Clone)]
pub(crate) struct StripPrefixLayer(pub(crate) Arc<str>);

impl<T> Layer<T> for StripPrefixLayer {
    type Service = StripPrefix<T>;

    fn layer(&self, inner: T) -> StripPrefix<T> {
        StripPrefix {
            inner,
            prefix: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct StripPrefix<T> {
    inner: T,
    prefix: Arc<str>,
}

impl<T: Service<Request>> Service<Request> for StripPrefix<T> {
    type Response = T::Response;
    type Error = T::Error;
    type Future = T::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), T::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> T::Future {
        if let Some(uri) = strip(req.uri(), &self.prefix) {
            *req.uri_mut() = uri;
        }
        self.inner.call(req)
    }
}

/// `uri` without `prefix`, segment by segment (a `{capture}` segment of the
/// prefix matches any one segment); `None` where the prefix does not match,
/// which the router's match rules out.
fn strip(uri: &Uri, prefix: &str) -> Option<Uri> {
    let mut rest = uri.path();
    for segment in prefix.split('/').skip(1) {
        if segment.is_empty() {
            // A prefix that ends in `/`.
            break;
        }
        let after_slash = rest.strip_prefix('/')?;
        let end = after_slash.find('/').unwrap_or(after_slash.len());
        let (head, tail) = after_slash.split_at(end);
        if !(is_capture(segment) || head == segment) {
            return None;
        }
        rest = tail;
    }
    let slash = if rest.starts_with('/') { "" } else { "/" };
    let path_and_query = match uri.query() {
        Some(query) => format!("{slash}{rest}?{query}"),
        None => format!("{slash}{rest}"),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(path_and_query).ok()?);
    Uri::from_parts(parts).ok()
}

fn is_capture(segment: &str) -> bool {
    segment.starts_with('{')
        && segment.ends_with('}')
        && !segment.starts_with("{{")
        && !segment.starts_with("{*")
}

#[cfg(test)]
mod tests {
    use super::strip;

    fn stripped(uri: &str, prefix: &str) -> Option<String> {
        strip(&uri.parse().unwrap(), prefix).map(|uri| uri.to_string())
    }

    #[test]
    fn the_prefix_and_only_the_prefix_comes_off() {
        assert_eq!(stripped("/api/users", "/api").as_deref(), Some("/users"));
        assert_eq!(stripped("/api", "/api").as_deref(), Some("/"));
        assert_eq!(stripped("/api/", "/api").as_deref(), Some("/"));
        assert_eq!(
            stripped("/api/users?a=1", "/api").as_deref(),
            Some("/users?a=1")
        );
        assert_eq!(stripped("/api/users", "/api/").as_deref(), Some("/users"));
        assert_eq!(stripped("/a/b/c", "/a/b").as_deref(), Some("/c"));
        assert_eq!(
            stripped("/t/acme/users", "/t/{tenant}").as_deref(),
            Some("/users")
        );
        assert_eq!(stripped("/apix/users", "/api"), None);
        assert_eq!(stripped("/other", "/api/v1"), None);
    }
}
