// `credentials` with an `http://` origin that is not loopback: anyone on the
// network path of that page can read the credentialed responses.
use route_cors::cors;

#[cors(origins = ["https://app.example.com", "http://intranet.example.com", "http://localhost:3000"], credentials)]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
