//! The catalogue API's answers as page facts.
//!
//! A list comes from `/gkmlpt/api/all/<category>?page=<n>&sid=<SID>` as
//! `{classify:{…}, articles:[{id, title, document_number, identifier, date,
//! display_publish_time, url, attachment:[…], …}]}`. A catalogue API response
//! becomes a page whose list items and links are its articles, so rules see the
//! catalogue as they see a column list.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate};
use serde_json::Value;
use url::Url;
use zwgk_core::page::{attachment_extension, Attachment, Link, ListItem};
use zwgk_core::{date, text, PageFacts};

/// China Standard Time offset, for timestamps.
const CST_SECONDS: i64 = 8 * 3600;

fn date_of(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Number(n) => {
            let mut secs = n.as_i64()?;
            if secs > 100_000_000_000 {
                secs /= 1000; // milliseconds
            }
            DateTime::from_timestamp(secs + CST_SECONDS, 0).map(|d| d.date_naive())
        }
        Value::String(s) => date::first_date(s).map(|f| f.date),
        _ => None,
    }
}

/// What a catalogue entry states besides its title and date, under the labels a detail
/// page prints: 文号, 索引号, 发布机构, and its validity when the catalogue marks it
/// (`is_abolished`, `is_expired`).
fn fields_of(article: &Value) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    for (key, label) in [
        ("document_number", "文号"),
        ("identifier", "索引号"),
        ("publisher", "发布机构"),
    ] {
        if let Some(v) = article.get(key).and_then(Value::as_str) {
            let v = text::normalize_line(v);
            if !v.is_empty() {
                fields.insert(label.to_string(), v);
            }
        }
    }
    let flag = |key: &str| {
        article
            .get(key)
            .is_some_and(|v| v.as_bool() == Some(true) || v.as_i64() == Some(1))
    };
    if flag("is_abolished") {
        fields.insert("有效性".to_string(), "废止".to_string());
    } else if flag("is_expired") {
        fields.insert("有效性".to_string(), "失效".to_string());
    }
    fields
}

/// An article or attachment URL of the catalogue, on the site that answered for the
/// catalogue. The API names its items by absolute URL on the site's public host
/// (`https://whly.gd.gov.cn/gkmlpt/content/…`); a copy of the site served elsewhere (a
/// mirror, a staging host, a local server) answers the same API, and its items are its
/// own: a catalogue detail page or attachment named on another host is taken on this one.
fn on_this_site(api: &Url, item: Url) -> Url {
    let path = item.path();
    let own = path.contains("/gkmlpt/content/") || path.starts_with("/attachment/");
    if !own || (item.host_str() == api.host_str() && item.port() == api.port()) {
        return item;
    }
    let mut moved = api.clone();
    moved.set_path(item.path());
    moved.set_query(item.query());
    moved.set_fragment(None);
    moved
}

/// Read a catalogue API response into page facts; `None` when the JSON is not a catalogue list.
pub fn catalogue_page(url: &str, status: u16, json: &str) -> Option<PageFacts> {
    let value: Value = serde_json::from_str(json).ok()?;
    let articles = value.get("articles")?.as_array()?;
    let base = Url::parse(url).ok()?;
    let mut page = PageFacts::other(url, status, "application/json");
    page.title = value
        .get("classify")
        .and_then(|c| c.get("name"))
        .and_then(Value::as_str)
        .map(text::normalize_line)
        .unwrap_or_default();
    for a in articles {
        let Some(href) = a.get("url").and_then(Value::as_str) else {
            continue;
        };
        let Ok(mut abs) = base.join(href) else {
            continue;
        };
        abs.set_fragment(None);
        let abs = on_this_site(&base, abs);
        let abs = abs.to_string();
        let title = a
            .get("title")
            .and_then(Value::as_str)
            .map(text::normalize_line)
            .unwrap_or_default();
        let date = ["display_publish_time", "date", "publish_time", "created_at"]
            .iter()
            .find_map(|k| a.get(*k).and_then(date_of));
        if let Some(date) = date {
            page.list_items.push(ListItem {
                url: abs.clone(),
                title: title.clone(),
                date,
                fields: fields_of(a),
            });
        }
        page.links.push(Arc::new(Link {
            url: abs,
            text: title,
            context: String::new(),
        }));
        if let Some(atts) = a.get("attachment").and_then(Value::as_array) {
            for att in atts {
                let Some(h) = att.get("url").and_then(Value::as_str) else {
                    continue;
                };
                let Ok(u) = base.join(h) else { continue };
                let u = on_this_site(&base, u).to_string();
                let name = att
                    .get("name")
                    .and_then(Value::as_str)
                    .map(text::normalize_line)
                    .unwrap_or_default();
                let extension = att
                    .get("type")
                    .and_then(Value::as_str)
                    .map(|t| t.trim_start_matches('.').to_ascii_lowercase())
                    .or_else(|| attachment_extension(&u))
                    .unwrap_or_default();
                page.links.push(Arc::new(Link {
                    url: u.clone(),
                    text: name.clone(),
                    context: String::new(),
                }));
                page.attachments.push(Attachment {
                    url: u,
                    name,
                    extension,
                });
            }
        }
    }
    Some(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_served_elsewhere_keeps_its_items() {
        let json = r#"{"articles":[
            {"title":"规范性文件","url":"https://whly.gd.gov.cn/gkmlpt/content/1/1280/post_1280866.html","date":1467331200,"attachment":[{"name":"a.pdf","type":"pdf","url":"https://whly.gd.gov.cn/attachment/0/1/1.pdf"}]},
            {"title":"别处","url":"https://www.gd.gov.cn/zwgk/wjk/content/post_1.html","date":1467331200}]}"#;
        let p = catalogue_page(
            "http://127.0.0.1:8080/gkmlpt/api/all/2622?page=1&sid=175",
            200,
            json,
        )
        .unwrap();
        assert_eq!(
            p.list_items[0].url,
            "http://127.0.0.1:8080/gkmlpt/content/1/1280/post_1280866.html"
        );
        assert_eq!(
            p.attachments[0].url,
            "http://127.0.0.1:8080/attachment/0/1/1.pdf"
        );
        // Another site's page stays where it is.
        assert_eq!(
            p.list_items[1].url,
            "https://www.gd.gov.cn/zwgk/wjk/content/post_1.html"
        );
        // On the site's own host the URLs are as given.
        let p = catalogue_page(
            "http://whly.gd.gov.cn/gkmlpt/api/all/2622?page=1&sid=175",
            200,
            json,
        )
        .unwrap();
        assert_eq!(
            p.list_items[0].url,
            "https://whly.gd.gov.cn/gkmlpt/content/1/1280/post_1280866.html"
        );
    }

    #[test]
    fn api_page_becomes_a_list() {
        let json = r#"{"classify":{"name":"政府信息公开年报","post_count":2},"articles":[
            {"id":3764082,"title":"广东省文化和旅游厅2021年政府信息公开工作年度报告","url":"http://whly.gd.gov.cn/gkmlpt/content/3/3764/post_3764082.html","date":1642038540,"attachment":[{"name":"年报.pdf","type":"pdf","url":"/attachment/0/1/1.pdf"}]},
            {"id":3180000,"title":"2020年年报","url":"/gkmlpt/content/3/3180/post_3180000.html","display_publish_time":"2021-01-20 10:00"}]}"#;
        let p = catalogue_page(
            "http://whly.gd.gov.cn/gkmlpt/api/all/2629?page=1&sid=175",
            200,
            json,
        )
        .unwrap();
        assert_eq!(p.list_items.len(), 2);
        assert_eq!(
            p.list_items[0].date,
            NaiveDate::from_ymd_opt(2022, 1, 13).unwrap()
        );
        assert_eq!(
            p.list_items[1].url,
            "http://whly.gd.gov.cn/gkmlpt/content/3/3180/post_3180000.html"
        );
        assert_eq!(
            p.attachments[0].url,
            "http://whly.gd.gov.cn/attachment/0/1/1.pdf"
        );
        assert!(catalogue_page("http://x/", 200, "{\"a\":1}").is_none());
        assert!(catalogue_page("http://x/", 200, "not json").is_none());
    }
}
