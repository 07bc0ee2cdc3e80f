# One image for the control plane and for workers: `docker run IMAGE run …` or `docker run IMAGE worker …`.
# Its set-up is scripts/setup.sh itself (run below, not copied), so the image and a checkout agree.
# CPU torch by default; a CUDA torch with e.g. --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128
# (and `docker run --gpus all`). See README, "More machines". Not built in this project's CI (no base
# images can be pulled there); tests check that it calls scripts/setup.sh.
FROM node:24-bookworm-slim

ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0

# Python for the trainer (bookworm: 3.11); a compiler in case a native module has no prebuilt binary.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv g++ make ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# A non-root user owns the checkout, its .venv and node_modules.
RUN useradd --create-home --uid 10001 plateau
WORKDIR /opt/plateau
COPY --chown=plateau:plateau . .
USER plateau

ENV PLATEAU_ROOT=/opt/plateau \
    PLATEAU_TORCH=${TORCH_VERSION} \
    PLATEAU_TORCH_INDEX=${TORCH_INDEX}
RUN bash scripts/setup.sh

# The store (.plateau/) is a volume: runs and keys outlive the container.
VOLUME ["/opt/plateau/.plateau"]
ENTRYPOINT ["/opt/plateau/bin/plateau"]
CMD ["--help"]
