"""The tools citywatch is compared with, run against the same local site (urlwatch, Scrapy)."""
