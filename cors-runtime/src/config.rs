//! Policies read from configuration (`serde` feature): the same keys as the
//! attribute, read key by key so that a value of the wrong type does not
//! hide the other mistakes, then checked by the same rules as `#[cors]`.

use std::collections::BTreeMap;
use std::fmt;

use route_cors_rules::name::{check_config_name, DEFAULT};
use route_cors_rules::Key;
use serde::de::{Deserializer, Error as _, IgnoredAny};
use serde::Deserialize;

use crate::build::PolicyError;
use crate::policies::{PoliciesError, PolicySet, Problem};
use crate::policy::Policy;

/// A policy as configuration describes it, e.g. in TOML:
///
/// ```toml
/// origins = ["https://app.example.com"]
/// methods = ["GET", "POST"]
/// headers = ["content-type"]
/// credentials = true
/// max_age = 600
/// ```
///
/// `origins`, `methods`, `headers` and `expose` take a list or `"*"`.
/// Unknown keys and values of the wrong type are refused, all of them at
/// once; the rules are checked by [`build`](PolicyConfig::build).
/// `Policy` itself deserializes from the same keys, checking everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyConfig {
    origins: Option<Vec<String>>,
    methods: Option<Vec<String>>,
    headers: Option<Vec<String>>,
    expose: Option<Vec<String>>,
    credentials: bool,
    max_age: Option<i64>,
    private_network: bool,
    insecure_origins: bool,
    writes_from_any_origin: bool,
}

/// A value as written, before its key says what it must be.
#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
    Other(IgnoredAny),
}

impl fmt::Display for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Raw::Bool(b) => write!(f, "{b}"),
            Raw::Int(i) => write!(f, "{i}"),
            Raw::Str(s) => write!(f, "{s:?}"),
            Raw::List(l) => write!(f, "{l:?}"),
            Raw::Other(_) => f.write_str("another kind of value"),
        }
    }
}

impl PolicyConfig {
    /// Reads the keys one by one: the configuration, and a sentence for each
    /// key that could not be read.
    fn read(raw: BTreeMap<String, Raw>) -> (Self, Vec<String>) {
        let mut config = PolicyConfig::default();
        let mut mistakes = Vec::new();
        let list = |key: &str, value: Raw, mistakes: &mut Vec<String>| match value {
            Raw::Str(one) => Some(vec![one]),
            Raw::List(list) => Some(list),
            other => {
                mistakes.push(format!(
                    "`{key}` takes a list of strings, or \"*\", found {other}"
                ));
                None
            }
        };
        for (key, value) in raw {
            match Key::from_name(&key) {
                Some(Key::Origins) => config.origins = list(&key, value, &mut mistakes),
                Some(Key::Methods) => config.methods = list(&key, value, &mut mistakes),
                Some(Key::Headers) => config.headers = list(&key, value, &mut mistakes),
                Some(Key::Expose) => config.expose = list(&key, value, &mut mistakes),
                Some(
                    flag @ (Key::Credentials
                    | Key::PrivateNetwork
                    | Key::InsecureOrigins
                    | Key::WritesFromAnyOrigin),
                ) => match (flag, value) {
                    (Key::Credentials, Raw::Bool(on)) => config.credentials = on,
                    (Key::PrivateNetwork, Raw::Bool(on)) => {
                        tracing::warn!(
                            target: "route_cors",
                            "`private_network` in a policy's configuration is deprecated: Chrome \
                             142 replaced Private Network Access preflights with a permission \
                             prompt (Local Network Access), and \
                             `Access-Control-Allow-Private-Network` does nothing in current \
                             Chromium; remove it"
                        );
                        config.private_network = on;
                    }
                    (Key::InsecureOrigins, Raw::Bool(on)) => config.insecure_origins = on,
                    (_, Raw::Bool(on)) => config.writes_from_any_origin = on,
                    (_, other) => mistakes.push(format!("`{key}` is true or false, found {other}")),
                },
                Some(Key::MaxAge) => match value {
                    Raw::Int(seconds) => config.max_age = Some(seconds),
                    other => mistakes.push(format!(
                        "`{key}` is a whole number of seconds, found {other}"
                    )),
                },
                _ => {
                    let help = route_cors_rules::key::suggest(&key, &[])
                        .map(|k| format!(" (help: did you mean `{k}`?)"))
                        .unwrap_or_default();
                    mistakes.push(format!("unknown key `{key}`{help}"));
                }
            }
        }
        (config, mistakes)
    }

    /// Checks the policy and builds it, or names every mistake.
    // `private_network` read from configuration still works, after the
    // `warn` event that reading it wrote.
    #[allow(deprecated)]
    pub fn build(self) -> Result<Policy, PolicyError> {
        let mut builder = Policy::builder()
            .credentials(self.credentials)
            .private_network(self.private_network)
            .insecure_origins(self.insecure_origins)
            .writes_from_any_origin(self.writes_from_any_origin);
        if let Some(origins) = self.origins {
            builder = builder.origins(origins);
        }
        if let Some(methods) = self.methods {
            builder = builder.methods(methods);
        }
        if let Some(headers) = self.headers {
            builder = builder.headers(headers);
        }
        if let Some(expose) = self.expose {
            builder = builder.expose(expose);
        }
        if let Some(max_age) = self.max_age {
            builder = builder.max_age_checked(max_age);
        }
        builder.build()
    }
}

impl<'de> Deserialize<'de> for PolicyConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (config, mistakes) = PolicyConfig::read(BTreeMap::deserialize(deserializer)?);
        if mistakes.is_empty() {
            Ok(config)
        } else {
            Err(D::Error::custom(mistakes.join("; ")))
        }
    }
}

/// A policy from configuration, checked: every value of the wrong type and
/// every broken rule in one error.
///
/// ```
/// let policy: route_cors::Policy = serde_json::from_str(
///     r#"{"origins": ["https://app.example.com"], "credentials": true}"#,
/// )?;
/// assert!(policy.credentials());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (config, mut mistakes) = PolicyConfig::read(BTreeMap::deserialize(deserializer)?);
        match config.build() {
            Ok(policy) if mistakes.is_empty() => return Ok(policy),
            Ok(_) => {}
            Err(error) => mistakes.extend(error.violations().iter().map(|(key, violation)| {
                format!("`{}`: {violation} [{}]", key.name(), violation.rule.name())
            })),
        }
        Err(D::Error::custom(format!(
            "invalid CORS policy: {}",
            mistakes.join("; ")
        )))
    }
}

impl TryFrom<PolicyConfig> for Policy {
    type Error = PolicyError;

    fn try_from(config: PolicyConfig) -> Result<Policy, PolicyError> {
        config.build()
    }
}

impl PolicySet {
    /// Reads a set of named policies from JSON, the attribute's keys under
    /// each name, `default` for the default policy:
    ///
    /// ```
    /// # use route_cors::PolicySet;
    /// let set = PolicySet::from_json(r#"{
    ///     "default": {"origins": ["https://app.example.com"], "methods": ["GET", "POST"]},
    ///     "partner": {"origins": ["https://partner.example.com"], "credentials": true}
    /// }"#)?;
    /// assert!(set.get("partner").unwrap().credentials());
    /// # Ok::<(), route_cors::PoliciesError>(())
    /// ```
    ///
    /// Each key of each policy is read on its own, so that every broken rule
    /// and every value of the wrong type, in every policy, is reported at
    /// once.
    pub fn from_json(json: &str) -> Result<Self, PoliciesError> {
        let unreadable =
            |message: String| PoliciesError::new(vec![Problem::Unreadable { message }]);
        let raw: BTreeMap<String, serde_json::Value> = serde_json::from_str(json)
            .map_err(|e| unreadable(format!("not a JSON object of policies: {e}")))?;
        let mut problems = Vec::new();
        let mut configs = Vec::new();
        for (name, value) in raw {
            let keys = match BTreeMap::<String, Raw>::deserialize(value) {
                Ok(keys) => keys,
                Err(e) => {
                    problems.push(Problem::Unreadable {
                        message: format!("policy `{name}`: expected an object of keys: {e}"),
                    });
                    continue;
                }
            };
            let (config, mistakes) = PolicyConfig::read(keys);
            problems.extend(mistakes.into_iter().map(|message| Problem::Unreadable {
                message: format!("policy `{name}`: {message}"),
            }));
            configs.push((name, config.build()));
        }
        match Self::from_policies(configs) {
            Ok(set) if problems.is_empty() => Ok(set),
            Ok(_) => Err(PoliciesError::new(problems)),
            Err(error) => {
                problems.extend(error.problems().iter().cloned());
                Err(PoliciesError::new(problems))
            }
        }
    }

    /// Builds a set from policies by name, checking each and reporting every
    /// broken rule of every policy at once. `default` is the default policy.
    fn from_policies<I, N>(policies: I) -> Result<Self, PoliciesError>
    where
        I: IntoIterator<Item = (N, Result<Policy, PolicyError>)>,
        N: Into<String>,
    {
        let mut set = PolicySet::new();
        let mut problems = Vec::new();
        for (name, policy) in policies {
            let name = name.into();
            // A policy under a bad name is still checked: every mistake
            // of the file is reported at once.
            if let Err(violation) = check_config_name(&name) {
                problems.push(Problem::Name {
                    name: name.clone(),
                    violation,
                });
                if let Err(error) = policy {
                    problems.push(Problem::Policy { name, error });
                }
                continue;
            }
            match policy {
                Err(error) => problems.push(Problem::Policy { name, error }),
                Ok(policy) if name == DEFAULT => set = set.with_default(policy),
                Ok(policy) => {
                    set.named.insert(name, policy);
                }
            }
        }
        if problems.is_empty() {
            Ok(set)
        } else {
            Err(PoliciesError::new(problems))
        }
    }
}
