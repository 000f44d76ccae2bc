# Stand-in for nginx:1.27-alpine: Debian's nginx in the foreground, logs to the container's
# output, and wget for healthchecks (the alpine image has busybox's).
ARG DEBIAN_IMAGE=flotilla-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light wget \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf /dev/stdout /var/log/nginx/access.log \
 && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
