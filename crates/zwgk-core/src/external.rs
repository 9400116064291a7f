//! Off-site links: what checking one of them came to.
//!
//! A crawl fetches the pages of its own site only. Links leading elsewhere (the
//! provincial portal, 中国政府网, a ministry) can be checked on their own — one `HEAD`,
//! and a `GET` of a small prefix of the body when the `HEAD` is refused or fails — and
//! their results handed to the [`Site`](crate::Site) with
//! [`Site::with_external`](crate::Site::with_external), so that `links_available`
//! counts broken off-site links like broken same-site ones.
//!
//! ```
//! use zwgk_core::{CheckMethod, ExternalLink, PageFacts, Site};
//!
//! let home = PageFacts::from_html(
//!     "http://whly.gd.gov.cn/",
//!     200,
//!     r#"<a href="http://www.gd.gov.cn/old.html">省政府</a>"#,
//! );
//! let site = Site::new("http://whly.gd.gov.cn/", [home]).with_external([
//!     ExternalLink::answered("http://www.gd.gov.cn/old.html", 404, CheckMethod::Get),
//! ]);
//! let checked = site.external("http://www.gd.gov.cn/old.html").unwrap();
//! assert!(checked.is_broken());
//! ```

use serde::{Deserialize, Serialize};

/// The request that decided an off-site link's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CheckMethod {
    /// `HEAD`: the status without the body.
    Head,
    /// `GET` (only a small prefix of the body read): after a `HEAD` that was refused
    /// (405, 501, …), answered 4xx/5xx, or failed.
    Get,
}

impl CheckMethod {
    /// `HEAD` or `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckMethod::Head => "HEAD",
            CheckMethod::Get => "GET",
        }
    }
}

/// What checking one off-site link came to: a final HTTP status (after redirects), or
/// why none was had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalLink {
    /// The link's URL, as the page's links give it.
    pub url: String,
    /// The final status (after redirects), when the server answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why no status was had (timeout, connection refused, DNS, TLS, too many
    /// redirects), when none was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The request whose answer (or failure) is recorded.
    pub method: CheckMethod,
}

impl ExternalLink {
    /// A link whose server answered `status`.
    pub fn answered(url: impl Into<String>, status: u16, method: CheckMethod) -> Self {
        ExternalLink {
            url: url.into(),
            status: Some(status),
            error: None,
            method,
        }
    }

    /// A link whose server could not be reached, and why.
    pub fn unreachable(
        url: impl Into<String>,
        error: impl Into<String>,
        method: CheckMethod,
    ) -> Self {
        ExternalLink {
            url: url.into(),
            status: None,
            error: Some(error.into()),
            method,
        }
    }

    /// Whether the link is broken: its server answered 400 or above.
    pub fn is_broken(&self) -> bool {
        self.status.is_some_and(|s| s >= 400)
    }

    /// Whether no status was had (a network error): the link's state is unknown.
    pub fn is_unreachable(&self) -> bool {
        self.status.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_json() {
        let ok = ExternalLink::answered("http://a.cn/", 200, CheckMethod::Head);
        assert!(!ok.is_broken() && !ok.is_unreachable());
        let gone = ExternalLink::answered("http://a.cn/x", 404, CheckMethod::Get);
        assert!(gone.is_broken());
        let down =
            ExternalLink::unreachable("http://b.cn/", "connection refused", CheckMethod::Head);
        assert!(down.is_unreachable() && !down.is_broken());
        let json = serde_json::to_string(&gone).unwrap();
        assert_eq!(
            json,
            r#"{"url":"http://a.cn/x","status":404,"method":"GET"}"#
        );
        let back: ExternalLink = serde_json::from_str(&json).unwrap();
        assert_eq!(back, gone);
        let back: ExternalLink =
            serde_json::from_str(&serde_json::to_string(&down).unwrap()).unwrap();
        assert_eq!(back, down);
    }
}
