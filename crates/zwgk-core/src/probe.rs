//! Availability probes: timed requests of a page, made by a monitor (`zwgk probe`) or by
//! a scan, and kept in the scan history. One type from the request to the check: the
//! prober makes a [`Probe`], the history stores and returns it, the evaluation reads it.
//!
//! Not to be confused with [`crate::selectors::Selectors`], the CSS selectors a rule pack
//! asks page analysis to record.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// One timed request of a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// The URL requested.
    pub url: String,
    /// When the request started, in UTC.
    pub at: NaiveDateTime,
    /// Time until the whole body had arrived (or the request failed), in milliseconds.
    pub millis: u64,
    /// The HTTP status (after redirects), when the server answered.
    pub status: Option<u16>,
    /// Why there was no answer (timeout, refused connection, …), when there was none.
    pub error: Option<String>,
    /// Body bytes received (at most the body limit); 0 when not measured.
    #[serde(default)]
    pub bytes: u64,
}

impl Probe {
    /// A probe answered with an HTTP status.
    pub fn answered(url: impl Into<String>, at: NaiveDateTime, millis: u64, status: u16) -> Self {
        Probe {
            url: url.into(),
            at,
            millis,
            status: Some(status),
            error: None,
            bytes: 0,
        }
    }

    /// A probe that got no answer.
    pub fn failed(
        url: impl Into<String>,
        at: NaiveDateTime,
        millis: u64,
        error: impl Into<String>,
    ) -> Self {
        Probe {
            url: url.into(),
            at,
            millis,
            status: None,
            error: Some(error.into()),
            bytes: 0,
        }
    }

    /// Whether the page could not be had: no answer, or an error status (400 or above).
    pub fn is_failed(&self) -> bool {
        self.status.is_none_or(|s| s >= 400)
    }

    /// Whether the probe counts against availability: failed, or as slow as
    /// `slow_millis` or slower.
    pub fn is_bad(&self, slow_millis: u64) -> bool {
        self.is_failed() || self.millis >= slow_millis
    }

    /// The status or the error, for messages: `200`, `503`, `timed out`.
    pub fn outcome_text(&self) -> String {
        match (self.status, &self.error) {
            (Some(s), _) => s.to_string(),
            (None, Some(e)) => e.clone(),
            (None, None) => "no answer".to_string(),
        }
    }
}

/// A URL as a key for matching probes to pages: a folder URL, the same without its
/// trailing `/`, and its `index.html` (`.htm`, `.shtml`) are one key; the scheme and host
/// are compared without regard to case.
pub fn url_key(url: &str) -> String {
    let url = url.trim();
    let mut s = match url.find("://") {
        Some(i) => {
            let host_end = url[i + 3..].find('/').map_or(url.len(), |j| i + 3 + j);
            format!(
                "{}{}",
                url[..host_end].to_ascii_lowercase(),
                &url[host_end..]
            )
        }
        None => url.to_string(),
    };
    for index in ["index.html", "index.htm", "index.shtml"] {
        if s.ends_with(&format!("/{index}")) {
            s.truncate(s.len() - index.len());
            break;
        }
    }
    while s.ends_with('/') {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_badness() {
        assert_eq!(url_key("http://X.gov.cn/"), "http://x.gov.cn");
        assert_eq!(url_key("http://x.gov.cn"), "http://x.gov.cn");
        assert_eq!(url_key("http://x.gov.cn/index.html"), "http://x.gov.cn");
        assert_eq!(
            url_key("http://x.gov.cn/a/index.shtml"),
            "http://x.gov.cn/a"
        );
        assert_ne!(url_key("http://x.gov.cn/A/"), url_key("http://x.gov.cn/a/"));
        let at = chrono::NaiveDate::from_ymd_opt(2022, 1, 31)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap();
        assert!(!Probe::answered("u", at, 800, 200).is_bad(15_000));
        assert!(Probe::answered("u", at, 15_000, 200).is_bad(15_000));
        assert!(Probe::answered("u", at, 10, 503).is_bad(15_000));
        assert!(Probe::failed("u", at, 10, "timed out").is_bad(15_000));
        assert_eq!(
            Probe::failed("u", at, 10, "timed out").outcome_text(),
            "timed out"
        );
    }
}
