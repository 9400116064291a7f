use zwgk_crawl::{FolderSource, PageSource};
fn main() {
    let src = FolderSource::open("fixtures/portals/jyh-2021".as_ref(), None).unwrap();
    let site = src.site(&zwgk_core::Selectors::none()).unwrap();
    let p = site
        .page("http://whly.gd.gov.cn/zwgk/zcjd/content/post_3596216.html")
        .unwrap();
    for l in &p.links {
        println!("{:?} | {:?} | {}", l.text, l.context, l.url);
    }
    println!(
        "off-site page: {:?}",
        site.page("http://www.gd.gov.cn/zwgk/wjk/qbwj/yfb/")
            .map(|p| (&p.url, &p.fetch))
    );
}
