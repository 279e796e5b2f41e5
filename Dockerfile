# Parley in a container: a static binary (no cgo: the SQLite driver is pure
# Go) on a minimal base, listening on every interface of the container, its
# data in a volume.
#
#   docker build -t parley .
#   docker run -p 8080:8080 -v parley-data:/data parley
#
# The first start prints the admin token and the default app's keys
# (docker logs). Every flag has its PARLEY_* twin: docker run -e ...
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
RUN CGO_ENABLED=0 go build -ldflags "-X main.version=${VERSION} -X main.commit=${COMMIT}" -o /parley . \
 && mkdir /empty-data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /parley /parley
# The volume starts as a copy of this folder, owned by the nonroot user.
COPY --from=build --chown=65532:65532 /empty-data /data
ENV PARLEY_ADDR=0.0.0.0:8080 \
    PARLEY_DATA=/data
VOLUME /data
EXPOSE 8080
# No curl in the image: the binary checks itself (GET /readyz on PARLEY_ADDR).
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 CMD ["/parley", "healthcheck"]
ENTRYPOINT ["/parley"]
CMD ["serve"]
