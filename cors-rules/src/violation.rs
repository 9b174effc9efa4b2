//! What a broken rule looks like: which rule, the offending value, and the fix
//! when there is an obvious one.

use std::fmt;

/// One rule of a CORS policy. `name()` is stable and meant for logs and tests;
/// `Display` is the sentence users read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    // origins
    OriginsMissing,
    OriginsEmpty,
    OriginEmpty,
    OriginTooLong,
    OriginNull,
    OriginSeveral,
    OriginWhitespace,
    OriginUppercase,
    OriginNoScheme,
    OriginInvalidScheme,
    OriginFileScheme,
    OriginSchemeNeverSent,
    OriginUserinfo,
    OriginPath,
    OriginTrailingSlash,
    OriginQuery,
    OriginFragment,
    OriginDefaultPort,
    OriginInvalidPort,
    OriginNonAsciiHost,
    OriginInvalidHost,
    OriginEmptyLabel,
    OriginNonCanonicalIp,
    OriginInvalidPunycode,
    OriginWildcardMisplaced,
    OriginWildcardOnIp,
    OriginWildcardOnPublicSuffix,
    OriginDuplicate,
    // methods
    MethodsEmpty,
    MethodInvalid,
    MethodForbidden,
    MethodLowercase,
    MethodDuplicate,
    // request headers
    HeaderInvalid,
    HeaderForbidden,
    HeaderCorsResponseOnly,
    HeaderDuplicate,
    // exposed headers
    ExposeInvalid,
    ExposeSetCookie,
    ExposeNothingToExpose,
    ExposeDuplicate,
    // wildcards
    WildcardNotAlone,
    // max_age
    MaxAgeNegative,
    MaxAgeTooLarge,
    // combinations
    AnyOriginWithCredentials,
    AnyMethodWithCredentials,
    AnyHeaderWithCredentials,
    AnyExposeWithCredentials,
    PrivateNetworkWithAnyOrigin,
    OriginFnWithAnyOrigin,
    InsecureOriginWithCredentials,
    WritesFromAnyOriginWithAnyOrigin,
    // run-time policy names
    PolicyNameInvalid,
    PolicyNameReserved,
}

impl Rule {
    /// A stable, kebab-case identifier of the rule.
    pub fn name(self) -> &'static str {
        use Rule::*;
        match self {
            OriginsMissing => "origins-missing",
            OriginsEmpty => "origins-empty",
            OriginEmpty => "origin-empty",
            OriginTooLong => "origin-too-long",
            OriginNull => "origin-null",
            OriginSeveral => "origin-several",
            OriginWhitespace => "origin-whitespace",
            OriginUppercase => "origin-uppercase",
            OriginNoScheme => "origin-no-scheme",
            OriginInvalidScheme => "origin-invalid-scheme",
            OriginFileScheme => "origin-file-scheme",
            OriginSchemeNeverSent => "origin-scheme-never-sent",
            OriginUserinfo => "origin-userinfo",
            OriginPath => "origin-path",
            OriginTrailingSlash => "origin-trailing-slash",
            OriginQuery => "origin-query",
            OriginFragment => "origin-fragment",
            OriginDefaultPort => "origin-default-port",
            OriginInvalidPort => "origin-invalid-port",
            OriginNonAsciiHost => "origin-non-ascii-host",
            OriginInvalidHost => "origin-invalid-host",
            OriginEmptyLabel => "origin-empty-label",
            OriginNonCanonicalIp => "origin-non-canonical-ip",
            OriginInvalidPunycode => "origin-invalid-punycode",
            OriginWildcardMisplaced => "origin-wildcard-misplaced",
            OriginWildcardOnIp => "origin-wildcard-on-ip",
            OriginWildcardOnPublicSuffix => "origin-wildcard-on-public-suffix",
            OriginDuplicate => "origin-duplicate",
            MethodsEmpty => "methods-empty",
            MethodInvalid => "method-invalid",
            MethodForbidden => "method-forbidden",
            MethodLowercase => "method-lowercase",
            MethodDuplicate => "method-duplicate",
            HeaderInvalid => "header-invalid",
            HeaderForbidden => "header-forbidden",
            HeaderCorsResponseOnly => "header-cors-response-only",
            HeaderDuplicate => "header-duplicate",
            ExposeInvalid => "expose-invalid",
            ExposeSetCookie => "expose-set-cookie",
            ExposeNothingToExpose => "expose-nothing-to-expose",
            ExposeDuplicate => "expose-duplicate",
            WildcardNotAlone => "wildcard-not-alone",
            MaxAgeNegative => "max-age-negative",
            MaxAgeTooLarge => "max-age-too-large",
            AnyOriginWithCredentials => "any-origin-with-credentials",
            AnyMethodWithCredentials => "any-method-with-credentials",
            AnyHeaderWithCredentials => "any-header-with-credentials",
            AnyExposeWithCredentials => "any-expose-with-credentials",
            PrivateNetworkWithAnyOrigin => "private-network-with-any-origin",
            OriginFnWithAnyOrigin => "origin-fn-with-any-origin",
            InsecureOriginWithCredentials => "insecure-origin-with-credentials",
            WritesFromAnyOriginWithAnyOrigin => "writes-from-any-origin-with-any-origin",
            PolicyNameInvalid => "policy-name-invalid",
            PolicyNameReserved => "policy-name-reserved",
        }
    }

    fn sentence(self) -> &'static str {
        use Rule::*;
        match self {
            OriginsMissing => "a policy needs `origins`",
            OriginsEmpty => "`origins` is empty, so no origin could ever be allowed",
            OriginEmpty => "an origin cannot be empty",
            OriginTooLong => "longer than any origin a browser sends (320 bytes)",
            OriginNull => "the `null` origin cannot be allowed: browsers send it for sandboxed, file and data pages, which anyone can create",
            OriginSeveral => "one string holds several origins; give each its own string",
            OriginWhitespace => "an origin cannot contain whitespace",
            OriginUppercase => "browsers send origins in lowercase, so this one would never match",
            OriginNoScheme => "an origin needs a scheme (`scheme://host`)",
            OriginInvalidScheme => "the scheme is not a valid URL scheme",
            OriginFileScheme => "`file:` pages send `Origin: null`, so a `file://` origin never matches",
            OriginSchemeNeverSent => "browsers never send an origin with this scheme",
            OriginUserinfo => "an origin has no user information (`user@`)",
            OriginPath => "an origin has no path",
            OriginTrailingSlash => "an origin has no trailing slash",
            OriginQuery => "an origin has no query",
            OriginFragment => "an origin has no fragment",
            OriginDefaultPort => "browsers leave the default port out of the origin, so this one would never match",
            OriginInvalidPort => "the port must be a number from 1 to 65535 without leading zeros",
            OriginNonAsciiHost => "browsers send internationalized hosts in punycode (`xn--...`)",
            OriginInvalidHost => "the host is not a valid host name",
            OriginEmptyLabel => "the host has an empty label (`..`, or a leading or trailing dot)",
            OriginNonCanonicalIp => "browsers send IP addresses in canonical form, so this one would never match",
            OriginInvalidPunycode => "an `xn--` label that is not the Punycode of a non-ASCII name: no browser sends it, so this origin would never match",
            OriginWildcardMisplaced => "a wildcard is allowed only alone (`\"*\"`) or as the whole first label of a host (`https://*.example.com`)",
            OriginWildcardOnIp => "a subdomain wildcard cannot apply to an IP address",
            OriginWildcardOnPublicSuffix => "a subdomain wildcard on a public suffix would allow sites anyone can register",
            OriginDuplicate => "this origin is listed twice",
            MethodsEmpty => "`methods` is empty; leave the key out for the default (the routed methods under `#[cors]`; GET, HEAD and POST for a global default)",
            MethodInvalid => "not a valid HTTP method token",
            MethodForbidden => "browsers never send this method (Fetch forbids CONNECT, TRACE and TRACK)",
            MethodLowercase => "methods are case-sensitive, and this is a standard method in lowercase",
            MethodDuplicate => "this method is listed twice",
            HeaderInvalid => "not a valid header name",
            HeaderForbidden => "browsers never let scripts set this header (a forbidden request header in Fetch)",
            HeaderCorsResponseOnly => "this is a CORS header that servers send, not one that requests carry",
            HeaderDuplicate => "this header is listed twice",
            ExposeInvalid => "not a valid header name",
            ExposeSetCookie => "browsers never expose `Set-Cookie` to scripts",
            ExposeNothingToExpose => "`origin` and the `access-control-*` headers are not response headers a script could be given: exposing them does nothing",
            ExposeDuplicate => "this header is listed twice",
            WildcardNotAlone => "`*` must stand alone: `\"*\"` instead of a list",
            MaxAgeNegative => "`max_age` cannot be negative",
            MaxAgeTooLarge => "`max_age` is larger than 86400 seconds, the most any browser honours (Firefox; Chromium caps at 7200)",
            AnyOriginWithCredentials => "browsers refuse `Access-Control-Allow-Origin: *` on requests with credentials",
            AnyMethodWithCredentials => "browsers read `Access-Control-Allow-Methods: *` literally on requests with credentials",
            AnyHeaderWithCredentials => "browsers read `Access-Control-Allow-Headers: *` literally on requests with credentials",
            AnyExposeWithCredentials => "browsers read `Access-Control-Expose-Headers: *` literally on requests with credentials",
            PrivateNetworkWithAnyOrigin => "private network access cannot be granted to any origin",
            OriginFnWithAnyOrigin => "`origins = \"*\"` already allows every origin, so an origin function would never be asked; list the origins it does not decide, or none",
            InsecureOriginWithCredentials => "with `credentials`, an `http://` origin that is not loopback lets anyone on the network path of that page read the credentialed responses",
            WritesFromAnyOriginWithAnyOrigin => "`origins = \"*\"` already lets writes from every origin through, so `writes_from_any_origin` changes nothing",
            PolicyNameInvalid => "a policy name is 1 to 64 characters of lowercase ASCII letters, digits, `-` and `_`",
            PolicyNameReserved => "`default` is the default policy, which every route without a policy of its own gets; name another policy",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sentence())
    }
}

/// A broken rule, with the value that broke it and, where the fix is obvious,
/// what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    pub rule: Rule,
    pub value: String,
    /// What to do about it, as users read it.
    pub help: Option<String>,
    /// The text to write instead of `value`, where one is obvious: kept as
    /// data so that code can use it without reading it back out of `help`.
    pub fix: Option<String>,
}

impl Violation {
    pub fn new(rule: Rule, value: impl Into<String>) -> Self {
        Violation {
            rule,
            value: value.into(),
            help: None,
            fix: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `fixed` as the fix, with the help "write `fixed`" (a `help` after it
    /// words the help otherwise).
    pub fn fix(mut self, fixed: impl Into<String>) -> Self {
        let fixed = fixed.into();
        self.help = Some(format!("write `{fixed}`"));
        self.fix = Some(fixed);
        self
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}", self.rule)?;
        } else {
            write!(f, "{}: `{}`", self.rule, self.value)?;
        }
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violation {}
