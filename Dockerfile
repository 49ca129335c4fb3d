# syntax=docker/dockerfile:1.7
# Nightshift's container images. Two targets (README.md, "Container image and deployment"):
#   docker build -t nightshift:0.1.0 .                     CPU image (the default: the last stage)
#   docker build --target gpu -t nightshift:0.1.0-gpu .    GPU image: onnxruntime_gpu on CUDA 12 + cuDNN 9
# Both run the Spring Boot jar extracted into its layers, dependencies before the application code, so a code change
# rebuilds and pushes only the last few-MB layer; only linux-x64 native libraries are kept (the fat jar carries every
# platform's: 239 MB, of which ONNX Runtime is 137 MB).

ARG JAVA_VERSION=25
# CUDA 12 with cuDNN 9: what onnxruntime_gpu 1.21 is built against (pom.xml's gpu profile).
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04

# ---- Sources and dependencies: the dependency download is its own layer, reused until pom.xml changes.
FROM maven:3.9-eclipse-temurin-${JAVA_VERSION} AS source
RUN apt-get update && apt-get install -y --no-install-recommends zip && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY .mvn/jvm.config .mvn/jvm.config
RUN --mount=type=cache,target=/root/.m2 mvn -B -q dependency:go-offline && mvn -B -q -Pgpu dependency:go-offline
COPY config config
COPY src/main src/main
COPY infra/docker/keep-linux-x64-natives.sh /usr/local/bin/keep-linux-x64-natives

# ---- The CPU build: package, extract the layers (Boot 4's jarmode tools), keep linux-x64 natives only.
FROM source AS build-cpu
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/nightshift.jar extract --layers --launcher --destination /layers \
 && keep-linux-x64-natives /layers/dependencies/BOOT-INF/lib

# ---- The GPU build: the same with the gpu profile (onnxruntime_gpu instead of onnxruntime).
FROM source AS build-gpu
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -Pgpu package \
 && java -Djarmode=tools -jar target/nightshift.jar extract --layers --launcher --destination /layers \
 && keep-linux-x64-natives /layers/dependencies/BOOT-INF/lib

# ---- The JRE the runtime images take (Temurin, Ubuntu: ONNX Runtime needs glibc, so no Alpine).
FROM eclipse-temurin:${JAVA_VERSION}-jre-noble AS jre

# ---- GPU runtime: CUDA 12 / cuDNN 9 base with Temurin's JRE copied in. Build it with --target gpu.
FROM ${CUDA_IMAGE} AS gpu
# What the Temurin image sets too: its JDK location and a UTF-8 locale (file names and logs).
ENV JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 10001 nightshift && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/nightshift nightshift \
 && mkdir -p /var/lib/nightshift && chown 10001:10001 /var/lib/nightshift
WORKDIR /app
COPY --from=build-gpu /layers/dependencies/ ./
COPY --from=build-gpu /layers/spring-boot-loader/ ./
COPY --from=build-gpu /layers/snapshot-dependencies/ ./
COPY --from=build-gpu /layers/application/ ./
# Only non-secret defaults here: the database URL, user and password come from the pod's Secret (infra/k8s/).
ENV NIGHTSHIFT_HOME=/var/lib/nightshift SPRING_PROFILES_ACTIVE=prod
USER 10001:10001
EXPOSE 8080
# Exec form: the JVM is PID 1's only process and gets SIGTERM itself (serve's graceful stop). The flags are pom.xml's
# nightshift.jvm.flags; the heap is a quarter of the container's memory limit, as ./nightshift gives the scoring
# commands, because ONNX Runtime's buffers live outside the Java heap. JAVA_TOOL_OPTIONS adds or overrides flags.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-XX:MaxRAMPercentage=25", "org.springframework.boot.loader.launch.JarLauncher"]
CMD ["worker"]

# ---- CPU runtime (the default target): Temurin 25 JRE on Ubuntu 24.04.
FROM jre AS cpu
RUN groupadd --system --gid 10001 nightshift && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/nightshift nightshift \
 && mkdir -p /var/lib/nightshift && chown 10001:10001 /var/lib/nightshift
WORKDIR /app
COPY --from=build-cpu /layers/dependencies/ ./
COPY --from=build-cpu /layers/spring-boot-loader/ ./
COPY --from=build-cpu /layers/snapshot-dependencies/ ./
COPY --from=build-cpu /layers/application/ ./
ENV NIGHTSHIFT_HOME=/var/lib/nightshift SPRING_PROFILES_ACTIVE=prod
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Dai.djl.offline=true", "-XX:MaxRAMPercentage=25", "org.springframework.boot.loader.launch.JarLauncher"]
CMD ["serve"]
