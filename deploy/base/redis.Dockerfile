# Stand-in for redis:7-alpine: Debian's redis-server, run as `redis` in /data like the official image.
ARG DEBIAN_IMAGE=flotilla-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server"]
