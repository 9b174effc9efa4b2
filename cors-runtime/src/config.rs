//! Policies read from configuration (`serde` feature): the same keys as the
//! attribute, checked by the same rules when turned into a [`Policy`].

use serde::Deserialize;

use crate::build::PolicyError;
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
