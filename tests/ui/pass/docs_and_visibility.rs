//! Doc comments and other attributes stay on the handler; a `pub` handler in
//! a module is registered from outside it.

use axum::Router;
use route_cors::CorsRouter;

mod api {
    use route_cors::cors;

    /// Lists the users.
    ///
    /// Open to the app's front end.
    #[cors(origins = ["https://app.example.com"], methods = [GET])]
    #[allow(unused_variables)]
    pub async fn list_users() -> &'static str {
        let unused = 1;
        "[]"
    }

    #[cors(origins = ["https://admin.example.com"], methods = [DELETE])]
    pub(crate) async fn delete_users() -> &'static str {
        "deleted"
    }
}

async fn plain() -> &'static str {
    "plain"
}

fn main() {
    let _app: Router = CorsRouter::new().route(
        "/users",
        route_cors::get(api::list_users)
            .delete(api::delete_users)
            .post(route_cors::plain(plain)),
    ).into_router();
}
