//! The keys of a policy, by the names users write, and a did-you-mean for
//! the names they write by mistake.

/// A key of `#[cors(...)]` and of run-time policy configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Origins,
    Methods,
    Headers,
    Expose,
    Credentials,
    MaxAge,
    PrivateNetwork,
    InsecureOrigins,
    WritesFromAnyOrigin,
}

impl Key {
    pub const ALL: [Key; 9] = [
        Key::Origins,
        Key::Methods,
        Key::Headers,
        Key::Expose,
        Key::Credentials,
        Key::MaxAge,
        Key::PrivateNetwork,
        Key::InsecureOrigins,
        Key::WritesFromAnyOrigin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Key::Origins => "origins",
            Key::Methods => "methods",
            Key::Headers => "headers",
            Key::Expose => "expose",
            Key::Credentials => "credentials",
            Key::MaxAge => "max_age",
            Key::PrivateNetwork => "private_network",
            Key::InsecureOrigins => "insecure_origins",
            Key::WritesFromAnyOrigin => "writes_from_any_origin",
        }
    }

    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Names other CORS libraries use (tower-http, Spring, ASP.NET, jub0bs/cors,
/// the header names themselves), mapped to ours.
const ALIASES: &[(&str, Key)] = &[
    ("allow_origin", Key::Origins),
    ("allow_origins", Key::Origins),
    ("allowed_origins", Key::Origins),
    ("origin", Key::Origins),
    ("allow_methods", Key::Methods),
    ("allowed_methods", Key::Methods),
    ("method", Key::Methods),
    ("allow_headers", Key::Headers),
    ("allowed_headers", Key::Headers),
    ("request_headers", Key::Headers),
    ("header", Key::Headers),
    ("expose_headers", Key::Expose),
    ("exposed_headers", Key::Expose),
    ("exposed", Key::Expose),
    ("allow_credentials", Key::Credentials),
    ("credential", Key::Credentials),
    ("with_credentials", Key::Credentials),
    ("maxage", Key::MaxAge),
    ("max_age_secs", Key::MaxAge),
    ("max_age_seconds", Key::MaxAge),
    ("allow_private_network", Key::PrivateNetwork),
    ("private_network_access", Key::PrivateNetwork),
    ("allow_insecure_origins", Key::InsecureOrigins),
    ("allow_http", Key::InsecureOrigins),
    ("allow_cross_origin_writes", Key::WritesFromAnyOrigin),
    ("cross_origin_writes", Key::WritesFromAnyOrigin),
    ("writes_from_any_origins", Key::WritesFromAnyOrigin),
    ("csrf_exempt", Key::WritesFromAnyOrigin),
];

/// The key the user probably meant by `unknown`, among `extra` too (the macro
/// has `crate`).
pub fn suggest(unknown: &str, extra: &[&'static str]) -> Option<&'static str> {
    let normalized = unknown.to_ascii_lowercase().replace('-', "_");
    if let Some((_, key)) = ALIASES.iter().find(|(alias, _)| *alias == normalized) {
        return Some(key.name());
    }
    closest(
        &normalized,
        Key::ALL
            .iter()
            .map(|k| k.name())
            .chain(extra.iter().copied()),
    )
}

/// The candidate nearest to `unknown`, at most two edits away (and fewer
/// than its own length): a key, or a policy name a route uses.
pub fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|name| (edit_distance(unknown, name), name))
        .filter(|&(d, name)| d <= 2 && d < name.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}
