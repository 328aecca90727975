# The dnsd container image for users with Docker (or podman build): the same image that
# image/build-rootfs.sh + image/build-oci.sh make without Docker (docs/image.md), on bookworm-slim.
#   docker build -t dnsd .
#   docker run --rm -p 1053:53/udp dnsd           (then: dig @127.0.0.1 -p 1053 debian.org)
# The runtime packages are computed from the built binaries (image/runtime-packages.sh) and dnsd is
# installed by image/install-dnsd.sh, as in the scripts, so the two cannot drift apart;
# tests/shell/image_test.sh checks what this file says besides (build packages, config).

FROM debian:bookworm AS build
# The build dependencies of .ci/packages, without those only the tests, benchmarks and fuzzers need.
ARG BUILD_PACKAGES="build-essential cmake pkg-config git libboost-dev libssl-dev libldns-dev libc-ares-dev libyaml-cpp-dev libre2-dev prometheus-cpp-dev"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $BUILD_PACKAGES \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDNSD_BUILD_TESTS=OFF -DDNSD_BUILD_BENCH=OFF \
 && cmake --build build -j"$(nproc)" --target dnsd dnsd-rules \
 && strip build/bin/dnsd build/bin/dnsd-rules \
 && image/runtime-packages.sh build/bin/dnsd build/bin/dnsd-rules > build/runtime-packages

FROM debian:bookworm-slim
COPY --from=build /src/build/bin/dnsd /src/build/bin/dnsd-rules /src/build/runtime-packages /tmp/dnsd/
COPY image/install-dnsd.sh image/Corefile /tmp/dnsd/
# setcap comes with iproute2 (libcap2-bin); the capability is set here, not copied: COPY may drop xattrs.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(cat /tmp/dnsd/runtime-packages) \
 && /tmp/dnsd/install-dnsd.sh / /tmp/dnsd/dnsd /tmp/dnsd/dnsd-rules /tmp/dnsd/Corefile \
 && rm -rf /tmp/dnsd
LABEL org.opencontainers.image.title="dnsd" \
      org.opencontainers.image.description="DNS daemon, drop-in for CoreDNS's rewrite, cache and forward; Debian bookworm packages only" \
      org.opencontainers.image.base.name="debian:bookworm-slim"
USER 65532:65532
WORKDIR /home/nonroot
EXPOSE 53/udp 53/tcp 9153/tcp 8080/tcp 8181/tcp
ENTRYPOINT ["/usr/bin/dnsd"]
CMD ["-conf", "/etc/dnsd/Corefile"]
