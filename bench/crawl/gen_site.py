#!/usr/bin/env python3
"""Generate a large Guangdong-platform-shaped portal for the HTTP crawl benchmark.

Usage: gen_site.py OUT_DIR PAGES

Writes exactly PAGES HTML pages under OUT_DIR (the web root), plus robots.txt (allows
everything) and the two footer images. The shapes follow the provincial platform (and the
fixture portal `fixtures/portals/mini-2021`): the home page, a 政务公开 hub, 互动交流, and
columns `/<col>/index.html`, `/<col>/index_2.html`, ... (20 items a page, pagination bar with
首页 / 上一页 / page numbers / 下一页 / 尾页) whose articles are
`/<col>/content/post_<id>.html` with the site header, navigation, breadcrumb, title, time and
source line, body paragraphs, previous / next links and the site footer.

Every page is reachable by links from `/`. Every URL is linked in one spelling only (the home
page as `/`, hubs as `/zwgk/` and `/hdjl/`, columns as `.../index.html`), so a crawler that
de-duplicates URLs fetches each file once. Each file gets its own modification time (a fixed
base plus its index), so nginx's default ETag (mtime-size) differs between files.
Deterministic: the same arguments give the same bytes and times.
"""
import datetime as dt
import os
import random
import shutil
import sys

PER_PAGE = 20
WINDOW = 4  # page numbers shown either side of the current one
BASE_MTIME = 1643600000  # 2022-01-31 03:33:20 UTC

SITE = "广东省文化和旅游厅"

# (slug, column name, parent name, parent link, weight)
COLUMNS = [
    ("news_newtpxw", "图片新闻", "新闻中心", "/news_newtpxw/index.html", 16),
    ("news_newgzdt", "工作动态", "新闻中心", "/news_newtpxw/index.html", 22),
    ("news_newsxdt", "市县动态", "新闻中心", "/news_newtpxw/index.html", 18),
    ("open_newggl", "公告栏", "政务公开", "/zwgk/", 8),
    ("open_newtzgg", "通知公告", "政务公开", "/zwgk/", 10),
    ("open_newgfxwj", "规范性文件", "政务公开", "/zwgk/", 2),
    ("open_new_zcjd", "政策解读", "政务公开", "/zwgk/", 4),
    ("open_newjhgh", "计划规划", "政务公开", "/zwgk/", 2),
    ("open_newczyjs", "财政预决算", "政务公开", "/zwgk/", 3),
    ("open_newflfg", "行政法规", "政务公开", "/zwgk/", 1),
    ("open_newrsxx", "人事信息", "政务公开", "/zwgk/", 4),
    ("audit_newspjggg", "审批结果公告", "政务公开", "/zwgk/", 10),
]

CITIES = ["广州", "深圳", "珠海", "汕头", "佛山", "韶关", "河源", "梅州", "惠州", "汕尾", "东莞",
          "中山", "江门", "阳江", "湛江", "茂名", "肇庆", "清远", "潮州", "揭阳", "云浮"]
TOPICS = ["公共文化服务", "非物质文化遗产保护", "文物安全", "旅游民宿", "红色旅游", "文化市场综合执法",
          "全域旅游", "乡村旅游", "博物馆建设", "粤剧传承", "文化和旅游消费", "A级旅游景区",
          "旅游安全生产", "图书馆事业", "群众文化活动", "文旅产业投资"]
NEWS_TITLES = ["{city}召开{topic}工作推进会", "全省{topic}现场会在{city}举行", "{city}扎实推进{topic}",
               "省文化和旅游厅赴{city}调研{topic}工作", "{year}年{city}{topic}成效明显",
               "{city}举办{topic}培训班", "全省{topic}经验交流会在{city}召开"]
NOTICE_TITLES = ["{site}关于做好{year}年{topic}工作的通知", "{site}关于开展{topic}专项检查的通知",
                 "{site}关于公布{year}年{topic}名单的公告", "{site}关于征求《{topic}管理办法（征求意见稿）》意见的公告"]
DOC_TITLES = ["{site}关于印发《广东省{topic}管理办法》的通知", "《广东省{topic}管理办法》政策解读",
              "广东省{topic}发展规划（{year}—{year5}年）", "{site}{year}年部门预算", "{site}{year}年部门决算",
              "{site}行政许可结果公告（{year}年第{n}号）", "{site}{year}年公开招聘工作人员拟聘用人员名单公示"]
SENTENCES = [
    "会议传达学习了党中央、国务院和省委、省政府关于{topic}工作的决策部署。",
    "会议总结了{year}年以来全省{topic}工作情况，分析了当前面临的形势，部署了下一阶段重点任务。",
    "{city}市文化广电旅游体育局负责同志作了交流发言，介绍了当地推进{topic}的做法和经验。",
    "会议强调，要坚持以人民为中心的发展思想，推动{topic}高质量发展。",
    "各地要压实属地责任，健全工作机制，确保各项措施落到实处。",
    "据统计，{year}年全省共开展各类活动{num}场，惠及群众{num2}万人次。",
    "下一步，省文化和旅游厅将加强统筹协调，加大督促指导力度，及时总结推广典型经验。",
    "活动期间，各地严格落实疫情防控要求，线下活动实行预约、限流、错峰。",
    "与会人员实地考察了{city}的{topic}项目，听取了项目建设和运营情况汇报。",
    "各地要把安全生产摆在突出位置，深入开展隐患排查整治，坚决防范遏制重特大事故发生。",
    "本办法自印发之日起施行，有效期五年。",
    "现将有关事项通知如下，请认真贯彻执行。执行中遇到的问题，请径向我厅反映。",
    "公示期间，如有异议，请以书面形式向我厅反映，反映问题要实事求是，并提供联系方式。",
    "申请人可在规定时间内登录广东政务服务网查询办理结果，或到省政务服务中心领取许可证件。",
    "厅领导出席会议并讲话，厅机关各处室、直属单位主要负责同志参加会议。",
    "各地市文化广电旅游体育局分管负责同志在分会场参加会议。",
]
SOURCES = ["本网", "公共服务处", "资源开发处", "市场管理处", "办公室", "政策法规处", "财务处",
           "非物质文化遗产处", "文物保护与考古处", "产业发展处", "人事处"]

HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="SiteName" content="广东省文化和旅游厅">
<meta name="SiteDomain" content="whly.gd.gov.cn">
<meta name="SiteIDCode" content="4400000128">
{meta}</head>
<body>
<div class="topbar"><div class="wrap">
<span class="welcome">欢迎访问广东省文化和旅游厅网站</span>
<div class="toplinks"><a href="javascript:void(0);" id="cniil_wza" title="长者助手">长者助手</a> / <a href="javascript:void(0);" class="mobile-qr" title="手机版">手机版</a> / <a href="javascript:void(0);" onclick="SetHome(this,window.location)">设为首页</a>|<a href="javascript:void(0);" onclick="AddFavorite(document.title,window.location)">加入收藏</a></div>
</div></div>
<div class="header"><div class="wrap">
<a href="/" class="logo" title="广东省文化和旅游厅">广东省文化和旅游厅</a>
<form class="search" action="http://search.gd.gov.cn/search/all/175" method="get" target="_blank"><input type="text" name="keywords" placeholder="请输入关键字" aria-label="站内搜索"> <button type="submit">搜索</button></form>
</div></div>
<div class="nav"><div class="wrap"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/news_newtpxw/index.html">新闻中心</a></li><li><a href="/open_newgfxwj/index.html">规范性文件</a></li><li><a href="/open_newjhgh/index.html">计划规划</a></li><li><a href="/open_newczyjs/index.html">财政预决算</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div></div>
<div class="main"><div class="wrap">
"""

FOOT = """</div></div>
<div class="footer"><div class="wrap">
<div class="footer-logo"><a href="http://bszs.conac.cn/sitename?method=show&amp;id=2B4F3A21C57C1F6DE053022819AC93B5" target="_blank" title="党政机关网站标识"><img src="/images/dzjg.png" alt="党政机关网站标识" width="50" height="61"></a></div>
<div class="footer-text">
<p>主办单位：广东省文化和旅游厅　地址：广州市越秀区仓边路36号　邮编：510030</p>
<p>网站标识码：4400000128　<a href="https://beian.miit.gov.cn/" target="_blank">粤ICP备13022375号</a>　<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44010402000000" target="_blank"><img src="/images/gaba.png" alt="" width="16" height="16">粤公网安备 44010402000000号</a></p>
<p>建议使用1366×768分辨率浏览本网站　<a href="javascript:void(0);">网站地图</a>　<a href="javascript:void(0);">联系我们</a></p>
</div>
</div></div>
</body>
</html>
"""

# A 1x1 PNG (for the two footer images).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def list_url(slug, page):
    return f"/{slug}/index.html" if page == 1 else f"/{slug}/index_{page}.html"


def list_path(slug, page):
    return f"{slug}/index.html" if page == 1 else f"{slug}/index_{page}.html"


def post_url(slug, pid):
    return f"/{slug}/content/post_{pid}.html"


class Writer:
    def __init__(self, root):
        self.root = root
        self.count = 0
        self.made = set()

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        d = os.path.dirname(path)
        if d not in self.made:
            os.makedirs(d, exist_ok=True)
            self.made.add(d)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        t = BASE_MTIME + self.count
        os.utime(path, (t, t))
        self.count += 1


def plan(pages):
    """Number of articles per column so that the whole site has exactly `pages` pages."""
    fixed = 3  # home, /zwgk/, /hdjl/
    total_w = sum(c[4] for c in COLUMNS)
    budget = pages - fixed
    if budget < 2 * len(COLUMNS):
        raise SystemExit(f"need at least {fixed + 2 * len(COLUMNS)} pages")
    # each column of a articles has ceil(a/PER_PAGE) list pages: pages ~ a * (1 + 1/PER_PAGE)
    arts = [max(1, int(budget * c[4] / total_w * PER_PAGE / (PER_PAGE + 1))) for c in COLUMNS]

    def used(a):
        return sum(x + (x + PER_PAGE - 1) // PER_PAGE for x in a)

    i = 0
    while used(arts) > budget:
        j = max(range(len(arts)), key=lambda j: arts[j])
        arts[j] -= 1
    while used(arts) < budget:
        i += 1
        n = len(arts)
        # an article that does not open a new list page adds exactly one page
        open_ = [j for j in range(n) if arts[j] % PER_PAGE != 0]
        if open_:
            arts[open_[i % len(open_)]] += 1
        elif budget - used(arts) >= 2:
            arts[i % n] += 1
        else:
            arts[0] -= 1
            arts[1] += 1
    assert used(arts) == budget, (used(arts), budget)
    return arts


def main():
    out, pages = sys.argv[1], int(sys.argv[2])
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    rng = random.Random(20220201)
    w = Writer(out)
    arts = plan(pages)

    # Articles of every column: (id, datetime, title, source), newest first.
    start = dt.datetime(2019, 1, 2, 9, 0)
    span = (dt.datetime(2022, 1, 28, 18, 0) - start).total_seconds()
    all_items = []
    for ci, (slug, name, *_rest) in enumerate(COLUMNS):
        for k in range(arts[ci]):
            when = start + dt.timedelta(seconds=int(rng.random() * span))
            when = when.replace(hour=rng.choice([9, 10, 11, 14, 15, 16, 17]), minute=rng.randrange(60), second=0)
            all_items.append((when, ci))
    all_items.sort()
    cols = [[] for _ in COLUMNS]
    next_id = 2875000
    for when, ci in all_items:
        next_id += rng.randrange(11, 60)
        slug, name = COLUMNS[ci][0], COLUMNS[ci][1]
        v = dict(city=rng.choice(CITIES), topic=rng.choice(TOPICS), year=when.year, year5=when.year + 4,
                 site=SITE, n=rng.randrange(1, 30))
        if slug.startswith("news_"):
            tpl = rng.choice(NEWS_TITLES)
        elif slug in ("open_newggl", "open_newtzgg"):
            tpl = rng.choice(NOTICE_TITLES)
        else:
            tpl = rng.choice(DOC_TITLES)
        cols[ci].append((next_id, when, tpl.format(**v), rng.choice(SOURCES)))
    for c in cols:
        c.reverse()

    def items_html(items, slug):
        return "\n".join(
            f'<li><a href="{post_url(slug, pid)}" title="{esc(t)}" target="_blank">{esc(t)}</a>'
            f'<span class="list_time">{when:%Y-%m-%d}</span></li>'
            for pid, when, t, _ in items)

    # Home page.
    blocks = []
    for ci, (slug, name, *_r) in enumerate(COLUMNS):
        blocks.append(f'<div class="block {slug}"><h2><a href="{list_url(slug, 1)}">{name}</a></h2><ul>'
                      f"{items_html(cols[ci][:6], slug)}</ul>"
                      f'<a href="{list_url(slug, 1)}" class="more">更多</a></div>')
    hdjl = ('<div class="block hdjl"><h2><a href="/hdjl/">互动交流</a></h2><ul>'
            '<li><a href="http://www.gd.gov.cn/hdjl/slyxx/index.html" target="_blank">省长留言信箱</a></li>'
            '<li><a href="/hdjl/">留言办理情况</a></li><li>12345政务服务便民热线</li></ul></div>')
    w.write("index.html", HEAD.format(title=SITE, meta="") + "\n".join(blocks) + "\n" + hdjl + "\n" + FOOT)

    # 政务公开 hub.
    hub = "".join(f'<li><a href="{list_url(slug, 1)}">{name}</a></li>'
                  for slug, name, parent, *_r in COLUMNS if parent == "政务公开")
    w.write("zwgk/index.html", HEAD.format(title=f"政务公开-{SITE}", meta='<meta name="ColumnName" content="政务公开">\n')
            + '<div class="position">当前位置：<a href="/">首页</a> &gt; <span>政务公开</span></div>\n'
            + f'<div class="block zwgk"><h2>政务公开</h2><ul>{hub}</ul></div>\n' + FOOT)

    # 互动交流.
    w.write("hdjl/index.html", HEAD.format(title=f"互动交流-{SITE}", meta='<meta name="ColumnName" content="互动交流">\n')
            + '<div class="position">当前位置：<a href="/">首页</a> &gt; <span>互动交流</span></div>\n'
            + '<div class="hdjl-box"><h2 class="col-title">互动交流</h2>\n'
            + '<p>省长留言信箱：<a href="http://www.gd.gov.cn/hdjl/slyxx/index.html" target="_blank">点击进入</a></p>\n'
            + '<p>咨询电话：020-83334251（工作日 9:00—12:00，14:00—17:30）</p></div>\n' + FOOT)

    # Column lists and articles.
    for ci, (slug, name, parent, parent_link, _w) in enumerate(COLUMNS):
        items = cols[ci]
        npages = (len(items) + PER_PAGE - 1) // PER_PAGE
        crumb_col = (f'<a href="/">首页</a> &gt; <a href="{parent_link}">{parent}</a> &gt; ')
        for p in range(1, npages + 1):
            chunk = items[(p - 1) * PER_PAGE:p * PER_PAGE]
            bar = [f'<a href="{list_url(slug, 1)}">首页</a>']
            if p > 1:
                bar.append(f'<a href="{list_url(slug, p - 1)}" class="prev">上一页</a>')
            for q in range(max(1, p - WINDOW), min(npages, p + WINDOW) + 1):
                bar.append(f'<span class="current">{q}</span>' if q == p else f'<a href="{list_url(slug, q)}">{q}</a>')
            if p < npages:
                bar.append(f'<a href="{list_url(slug, p + 1)}" class="next">下一页</a>')
            bar.append(f'<a href="{list_url(slug, npages)}">尾页</a> <span class="total">共{npages}页</span>')
            title = name if p == 1 else f"{name}（第{p}页）"
            w.write(list_path(slug, p),
                    HEAD.format(title=f"{name}-{SITE}", meta=f'<meta name="ColumnName" content="{name}">\n')
                    + f'<div class="position">当前位置：{crumb_col}<span>{title}</span></div>\n'
                    + f'<div class="list-box">\n<h2 class="col-title">{name}</h2>\n<ul class="list">\n'
                    + items_html(chunk, slug) + "\n</ul>\n"
                    + f'<div class="page">{" ".join(bar)}</div>\n</div>\n' + FOOT)
        for k, (pid, when, title, source) in enumerate(items):
            paras = []
            for _ in range(rng.randrange(3, 9)):
                v = dict(city=rng.choice(CITIES), topic=rng.choice(TOPICS), year=when.year,
                         num=rng.randrange(100, 9000), num2=rng.randrange(10, 900))
                paras.append("<p>" + "".join(rng.choice(SENTENCES).format(**v) for _ in range(rng.randrange(2, 5))) + "</p>")
            nav = []
            if k > 0:
                nav.append(f'<p>上一篇：<a href="{post_url(slug, items[k - 1][0])}">{esc(items[k - 1][2])}</a></p>')
            if k + 1 < len(items):
                nav.append(f'<p>下一篇：<a href="{post_url(slug, items[k + 1][0])}">{esc(items[k + 1][2])}</a></p>')
            meta = (f'<meta name="ColumnName" content="{name}">\n<meta name="ArticleTitle" content="{esc(title)}">\n'
                    f'<meta name="PubDate" content="{when:%Y-%m-%d %H:%M}">\n<meta name="ContentSource" content="{source}">\n'
                    f'<meta name="ArticleId" content="{pid}">\n')
            w.write(f"{slug}/content/post_{pid}.html",
                    HEAD.format(title=f"{esc(title)}-{SITE}", meta=meta)
                    + f'<div class="position">当前位置：{crumb_col}<a href="{list_url(slug, 1)}">{name}</a> &gt; <span>正文</span></div>\n'
                    + f'<div class="article">\n<h1 class="article-title">{esc(title)}</h1>\n'
                    + f'<div class="article-info">时间 : {when:%Y-%m-%d %H:%M}&nbsp;&nbsp;来源 : {source}&nbsp;&nbsp;'
                    + '【字体：<a href="javascript:void(0);" class="font-l">大</a> <a href="javascript:void(0);" class="font-m">中</a> '
                    + '<a href="javascript:void(0);" class="font-s">小</a>】 【<a href="javascript:window.print();">打印</a>】</div>\n'
                    + '<div class="article-content">\n' + "\n".join(paras) + "\n</div>\n"
                    + '<div class="article-nav">' + "".join(nav) + "</div>\n</div>\n" + FOOT)

    html = w.count
    assert html == pages, (html, pages)
    with open(os.path.join(out, "robots.txt"), "w") as f:
        f.write("User-agent: *\nDisallow:\n")
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    for name in ("dzjg.png", "gaba.png"):
        with open(os.path.join(out, "images", name), "wb") as f:
            f.write(PNG)
    for rel in ("robots.txt", "images/dzjg.png", "images/gaba.png"):
        os.utime(os.path.join(out, rel), (BASE_MTIME - 10, BASE_MTIME - 10))
    print(f"{out}: {html} pages")


if __name__ == "__main__":
    main()
