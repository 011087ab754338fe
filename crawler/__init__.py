"""The crawl: Scrapy components (pipelines, middlewares, settings), the runner, the site registry and the CLI."""
