//! Policies read from configuration (`serde` feature): the same keys as the
//! attribute, checked by the same rules when turned into a [`Policy`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::build::PolicyError;
use crate::policies::{PoliciesError, Problem};
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
/// Unknown keys are refused. Nothing is checked until
/// [`build`](PolicyConfig::build).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    #[serde(default)]
    pub origins: Option<Values>,
    #[serde(default)]
    pub methods: Option<Values>,
    #[serde(default)]
    pub headers: Option<Values>,
    #[serde(default)]
    pub expose: Option<Values>,
    #[serde(default)]
    pub credentials: bool,
    #[serde(default)]
    pub max_age: Option<i64>,
    #[serde(default)]
    pub private_network: bool,
}

/// `"*"` or a list. A single other string is a list of one.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Values {
    One(String),
    List(Vec<String>),
}

impl Values {
    fn into_list(self) -> Vec<String> {
        match self {
            Values::One(one) => vec![one],
            Values::List(list) => list,
        }
    }
}

impl PolicyConfig {
    /// Checks the policy and builds it, or names every mistake.
    pub fn build(self) -> Result<Policy, PolicyError> {
        let mut builder = Policy::builder()
            .credentials(self.credentials)
            .private_network(self.private_network);
        if let Some(origins) = self.origins {
            builder = builder.origins(origins.into_list());
        }
        if let Some(methods) = self.methods {
            builder = builder.methods(methods.into_list());
        }
        if let Some(headers) = self.headers {
            builder = builder.headers(headers.into_list());
        }
        if let Some(expose) = self.expose {
            builder = builder.expose(expose.into_list());
        }
        if let Some(max_age) = self.max_age {
            builder = builder.max_age(max_age);
        }
        builder.build()
    }
}

impl TryFrom<PolicyConfig> for Policy {
    type Error = PolicyError;

    fn try_from(config: PolicyConfig) -> Result<Policy, PolicyError> {
        config.build()
    }
}

impl crate::policies::PolicySet {
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
    /// Each policy is read on its own, so that every broken rule of every
    /// policy (and every value of the wrong type) is reported at once.
    pub fn from_json(json: &str) -> Result<Self, PoliciesError> {
        let unreadable =
            |message: String| PoliciesError::new(vec![Problem::Unreadable { message }]);
        let raw: BTreeMap<String, serde_json::Value> = serde_json::from_str(json)
            .map_err(|e| unreadable(format!("not a JSON object of policies: {e}")))?;
        let mut problems = Vec::new();
        let mut configs = Vec::new();
        for (name, value) in raw {
            let (config, mistakes) = read_raw(&value);
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
}

/// Reads one policy's raw JSON value key by key, so that a value of the
/// wrong type does not hide the rules the other keys break: the keys that
/// could be read, and a sentence for each that could not.
fn read_raw(value: &serde_json::Value) -> (PolicyConfig, Vec<String>) {
    use route_cors_rules::Key;
    use serde_json::Value;

    let mut config = PolicyConfig::default();
    let mut mistakes = Vec::new();
    let Value::Object(keys) = value else {
        mistakes.push(format!("expected an object of keys, found {value}"));
        return (config, mistakes);
    };
    let list = |key: &str, value: &Value, mistakes: &mut Vec<String>| match value {
        Value::String(one) => Some(Values::One(one.clone())),
        Value::Array(items) => {
            let strings: Option<Vec<String>> = items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect();
            if strings.is_none() {
                mistakes.push(format!("`{key}` takes a list of strings, or \"*\""));
            }
            strings.map(Values::List)
        }
        _ => {
            mistakes.push(format!(
                "`{key}` takes a list of strings, or \"*\", found {value}"
            ));
            None
        }
    };
    for (key, value) in keys {
        match Key::from_name(key) {
            Some(Key::Origins) => config.origins = list(key, value, &mut mistakes),
            Some(Key::Methods) => config.methods = list(key, value, &mut mistakes),
            Some(Key::Headers) => config.headers = list(key, value, &mut mistakes),
            Some(Key::Expose) => config.expose = list(key, value, &mut mistakes),
            Some(flag @ (Key::Credentials | Key::PrivateNetwork)) => match value.as_bool() {
                Some(on) if flag == Key::Credentials => config.credentials = on,
                Some(on) => config.private_network = on,
                None => mistakes.push(format!("`{key}` is true or false, found {value}")),
            },
            Some(Key::MaxAge) => match value.as_i64() {
                Some(seconds) => config.max_age = Some(seconds),
                None => mistakes.push(format!(
                    "`{key}` is a whole number of seconds, found {value}"
                )),
            },
            None => {
                let help = route_cors_rules::key::suggest(key, &[])
                    .map(|k| format!(" (help: did you mean `{k}`?)"))
                    .unwrap_or_default();
                mistakes.push(format!("unknown key `{key}`{help}"));
            }
        }
    }
    (config, mistakes)
}
