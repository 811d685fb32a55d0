# syntax=docker/dockerfile:1
# trithuc in a container: built with cgo (SQLite is compiled in), run as an
# unprivileged user, the database on a volume.
#
#   make image           (docker build, given the version and commit)
#   docker run -d --name trithuc -p 50051:50051 -p 8080:8080 -v trithuc-data:/var/lib/trithuc trithuc
#   docker exec trithuc trithuc keys create --db /var/lib/trithuc/trithuc.db --role admin --name "Quản trị"

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git stays out of the context (.dockerignore), so the Go toolchain cannot
# stamp the commit: make image passes it and the version, and make build
# links them in as every build of the Makefile does.
ARG VERSION=devel
ARG COMMIT=
RUN CGO_ENABLED=1 make build VERSION="${VERSION}" COMMIT="${COMMIT}" BIN=/out/trithuc

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/trithuc --shell /usr/sbin/nologin trithuc \
 && install -d -o trithuc -g trithuc -m 0700 /var/lib/trithuc
COPY --from=build /out/trithuc /usr/local/bin/trithuc
USER trithuc
WORKDIR /var/lib/trithuc
VOLUME ["/var/lib/trithuc"]
# The container's ports are published to the host or a TLS-terminating
# proxy, so it listens on every interface without TLS. To serve TLS itself,
# mount a certificate and set TRITHUC_TLS_CERT, TRITHUC_TLS_KEY and
# TRITHUC_INSECURE=false: trithuc health, below, then connects with TLS
# and accepts that certificate (it reads TRITHUC_TLS_CERT too).
ENV TRITHUC_DB=/var/lib/trithuc/trithuc.db \
    TRITHUC_GRPC_ADDR=0.0.0.0:50051 \
    TRITHUC_HTTP_ADDR=0.0.0.0:8080 \
    TRITHUC_INSECURE=true \
    TRITHUC_LOG_FORMAT=json
EXPOSE 50051 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["trithuc", "health", "--server", "127.0.0.1:50051"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["trithuc"]
CMD ["serve"]
