# The citywatch image: the daemon, the CLI and the default watch list.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY citywatch ./citywatch
COPY parsers ./parsers
COPY scraper ./scraper
COPY snapshots ./snapshots
COPY scheduler ./scheduler
COPY web ./web
COPY sources.toml ./sources.toml
RUN pip install --no-cache-dir . && useradd --create-home citywatch && mkdir -p /data && chown citywatch /data
USER citywatch
ENV CITYWATCH_SOURCES=/app/sources.toml \
    CITYWATCH_FEED=/data/citywatch-changes.atom
ENTRYPOINT ["citywatch"]
CMD ["daemon"]
