# The stammer-mcp container image: the static Linux binary that the release
# step built, serving Streamable HTTP. Build it from the repository root:
#
#   go run ./release -snapshot     (or -version X.Y.Z; writes dist/linux_*/)
#   docker build -t stammer-mcp .  (or podman build / buildah bud)
#
# FROM scratch: nothing but the binary. It has no shell and no CA bundle; the
# binary carries Mozilla's roots (golang.org/x/crypto/x509roots/fallback/bundle,
# installed on first use when the system has none: certs.go) for
# HTTPS to the Stammer API. No tokens are baked in: pass STAMMER_API_TOKEN and
# MCP_HTTP_TOKEN at run time (--env-file, a Kubernetes Secret), or mount the
# API token as a file and add --token-file PATH to the arguments.
#
# No HEALTHCHECK: there is no shell or curl to run one. Probe GET /healthz
# over HTTP from outside instead (Kubernetes httpGet readiness and liveness
# probes, a load balancer's health check); it needs no authentication.
FROM scratch

# Set by docker buildx / podman / buildah from --platform (linux/amd64 or
# linux/arm64); amd64 when the builder does not set it.
ARG TARGETARCH=amd64
COPY --chmod=0555 dist/linux_${TARGETARCH}/stammer-mcp /stammer-mcp

# A numeric non-root user: scratch has no /etc/passwd to name one.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/stammer-mcp"]
# Listening beyond loopback requires MCP_HTTP_TOKEN: without it the server
# refuses to start and says so.
CMD ["--transport", "http", "--listen", "0.0.0.0:8080"]

LABEL org.opencontainers.image.title="stammer-mcp" \
      org.opencontainers.image.description="MCP server for the conversations of Stammer.ai AI agents (Streamable HTTP)" \
      org.opencontainers.image.source="https://github.com/stammer-mcp/stammer-mcp" \
      org.opencontainers.image.licenses="MIT"
