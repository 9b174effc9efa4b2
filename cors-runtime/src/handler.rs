//! Handlers as route-cors sees them: an axum handler plus, for `#[cors]`
//! ones, the policy that decides their CORS headers.

use std::future::Future;

use axum::extract::{FromRequest, FromRequestParts};
use axum::handler::Handler;
use axum::response::IntoResponse;

use crate::written::WrittenPolicy;

/// A handler that route-cors can register: a `#[cors]` handler, or a plain
/// axum handler wrapped in [`plain`].
///
/// `#[cors]` implements it on the unit struct it turns the handler into. It
/// is what lets the route builders ([`get`](crate::get), [`post`](crate::post),
/// ...) collect each handler's policy before axum erases the handler's type.
/// It is sealed: those two are the only kinds of handler.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a route-cors handler",
    label = "not a `#[cors]` handler",
    note = "annotate the handler with `#[cors(...)]`, or wrap a handler without a policy in `route_cors::plain(...)`"
)]
pub trait CorsHandler<T, S>: Sized + sealed::Sealed {
    /// The handler's own policy.
    #[doc(hidden)]
    fn policy(&self) -> HandlerPolicy;

    /// The axum handler.
    #[doc(hidden)]
    fn into_handler(self) -> impl Handler<T, S>;
}

mod sealed {
    /// Implemented for `#[cors]` handlers and `Plain` only.
    pub trait Sealed {}

    impl<F: super::CorsFn> Sealed for F {}
    impl<H> Sealed for super::Plain<H> {}
}

/// Where a handler's policy comes from. Not part of the API: `#[cors]`
/// writes it.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum HandlerPolicy {
    /// None of its own ([`plain`]): the default decides.
    None,
    /// Written on the handler in `#[cors(...)]`, checked at compile time;
    /// built into a [`Policy`](crate::Policy) when the handler is
    /// registered.
    Written(WrittenPolicy),
    /// `#[cors(policy = "name")]`: the run-time policy of that name
    /// ([`Policies`](crate::Policies)).
    Named(&'static str),
}

/// A handler without a policy of its own, registered beside `#[cors]`
/// handlers on one path. The default policy, if the app has one, decides
/// its CORS headers; without one, it gets no grant.
///
/// ```
/// # use route_cors::{cors, CorsRouter};
/// #[cors(origins = ["https://app.example.com"])]
/// async fn list() -> &'static str { "[]" }
/// async fn delete() -> &'static str { "gone" }
///
/// let app: axum::Router = CorsRouter::new()
///     .route("/items", route_cors::get(list).delete(route_cors::plain(delete)))
///     .into_router();
/// # let _ = app;
/// ```
pub fn plain<H>(handler: H) -> Plain<H> {
    Plain(handler)
}

/// See [`plain`].
#[derive(Clone, Copy, Debug)]
pub struct Plain<H>(H);

impl<H, T, S> CorsHandler<T, S> for Plain<H>
where
    H: Handler<T, S>,
{
    fn policy(&self) -> HandlerPolicy {
        HandlerPolicy::None
    }

    fn into_handler(self) -> impl Handler<T, S> {
        self.0
    }
}

/// What `#[cors]` implements for the unit struct it makes of a handler: the
/// handler's argument types, its policy, and a way to call it. The generic
/// part (which argument is the body extractor, the state) is one blanket
/// impl per arity here, type-checked once for every handler, rather than a
/// generic impl written out per handler. Not part of the API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a route-cors handler",
    label = "not a `#[cors]` handler",
    note = "annotate the handler with `#[cors(...)]`, or wrap a handler without a policy in `route_cors::plain(...)`"
)]
pub trait CorsFn: 'static {
    /// The handler's arguments, as a tuple.
    type Args;

    /// The handler's policy: a constant, not a function, which is one body
    /// less per handler for rustc to check.
    const POLICY: HandlerPolicy;

    /// Calls the handler.
    fn call_with(args: Self::Args) -> impl Future<Output: IntoResponse> + Send + 'static;
}

/// The handler's argument tuple, for each arity: which of them extract
/// from the request's parts and which one may take the body. One blanket
/// `CorsHandler` impl over it, so that rustc names the argument that is not
/// an extractor. Not part of the API.
#[doc(hidden)]
pub trait CorsArgs<F, T, S> {
    /// The axum handler that calls `F` with the extracted arguments.
    fn handler() -> impl Handler<T, S>;
}

impl<F, T, S> CorsHandler<T, S> for F
where
    F: CorsFn,
    F::Args: CorsArgs<F, T, S>,
{
    fn policy(&self) -> HandlerPolicy {
        F::POLICY
    }

    fn into_handler(self) -> impl Handler<T, S> {
        <F::Args as CorsArgs<F, T, S>>::handler()
    }
}

impl<F, S> CorsArgs<F, ((),), S> for ()
where
    F: CorsFn<Args = ()>,
    S: Send + Sync + 'static,
{
    fn handler() -> impl Handler<((),), S> {
        || F::call_with(())
    }
}

macro_rules! cors_fn_handler {
    ($(($part:ident, $p:ident)),* ; ($last:ident, $l:ident)) => {
        impl<F, M, S, $($part,)* $last> CorsArgs<F, (M, $($part,)* $last,), S>
            for ($($part,)* $last,)
        where
            F: CorsFn<Args = ($($part,)* $last,)>,
            $($part: FromRequestParts<S> + Send,)*
            $last: FromRequest<S, M> + Send,
            S: Send + Sync + 'static,
        {
            fn handler() -> impl Handler<(M, $($part,)* $last,), S> {
                |$($p: $part,)* $l: $last| F::call_with(($($p,)* $l,))
            }
        }
    };
}

cors_fn_handler!(; (T1, t1));
cors_fn_handler!((T1, t1); (T2, t2));
cors_fn_handler!((T1, t1), (T2, t2); (T3, t3));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3); (T4, t4));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4); (T5, t5));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5); (T6, t6));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6); (T7, t7));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7); (T8, t8));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8); (T9, t9));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9); (T10, t10));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9), (T10, t10); (T11, t11));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9), (T10, t10), (T11, t11); (T12, t12));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9), (T10, t10), (T11, t11), (T12, t12); (T13, t13));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9), (T10, t10), (T11, t11), (T12, t12), (T13, t13); (T14, t14));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9), (T10, t10), (T11, t11), (T12, t12), (T13, t13), (T14, t14); (T15, t15));
cors_fn_handler!((T1, t1), (T2, t2), (T3, t3), (T4, t4), (T5, t5), (T6, t6), (T7, t7), (T8, t8), (T9, t9), (T10, t10), (T11, t11), (T12, t12), (T13, t13), (T14, t14), (T15, t15); (T16, t16));
