#!/usr/bin/env python3
"""Scrapy peer for the HTTP crawl benchmark: a CrawlSpider following every link on the start
URL's host and port, crawl only (each response is counted, nothing is extracted or kept).

Usage: scrapy_spider.py START_URL [CONCURRENT_REQUESTS]   (default 16)
Prints `pages N` (responses received) when the crawl ends.
"""
import re
import sys
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


def make_spider(start, concurrency):
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(start))
    host = urlsplit(start).hostname

    class Site(CrawlSpider):
        name = "site"
        allowed_domains = [host]
        start_urls = [start]
        rules = (Rule(LinkExtractor(allow=(re.escape(origin),)), callback="count", follow=True),)
        custom_settings = {
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "ERROR",
        }
        pages = 0

        def parse_start_url(self, response, **kwargs):
            return self.count(response)

        def count(self, response):
            Site.pages += 1
            return []

    return Site


def main():
    start = sys.argv[1]
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    spider = make_spider(start, concurrency)
    process = CrawlerProcess(settings={"LOG_LEVEL": "ERROR"})
    process.crawl(spider)
    process.start()
    print(f"pages {spider.pages}")


if __name__ == "__main__":
    main()
