package io.nightshift.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nightshift.infra.Dockerfile.Instruction;
import io.nightshift.infra.Dockerfile.Stage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dockerfile and .dockerignore, checked by parsing them (there is no Docker engine on the build machines). */
class DockerfileTests {

    private static final Dockerfile DOCKERFILE = Dockerfile.read(Path.of("Dockerfile"));
    private static final List<String> RUNTIME_STAGES = List.of("cpu", "gpu");
    /** The order of Spring Boot's layers, least to most often changed, so a code change rebuilds only the last. */
    private static final List<String> LAYER_ORDER = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
    private static final Pattern LAYER_COPY = Pattern.compile("--from=(\\S+)\\s+/layers/([a-z-]+)/");

    @Test
    void theBuildStagesCompileWithMavenOnJdk25AndTheRuntimesRunAJre25() {
        assertThat(DOCKERFILE.stage("source").base()).startsWith("maven:").contains("temurin-25");
        assertThat(DOCKERFILE.stage("jre").base()).isEqualTo("eclipse-temurin:25-jre-noble");
        assertThat(DOCKERFILE.stage("cpu").base()).isEqualTo("jre");
        assertThat(DOCKERFILE.stage("gpu").all("COPY")).extracting(Instruction::arguments)
                .contains("--from=jre /opt/java/openjdk /opt/java/openjdk");
    }

    @Test
    void theDefaultTargetIsTheCpuImage() {
        assertThat(DOCKERFILE.stages().getLast().name()).isEqualTo("cpu");
    }

    @Test
    void theGpuTargetRunsOnCuda12WithCudnn9AndBuildsWithTheGpuProfile() {
        assertThat(DOCKERFILE.stage("gpu").base()).matches("nvidia/cuda:12\\.[0-9.]+-cudnn-runtime-ubuntu[0-9.]+");
        assertThat(runCommands("build-gpu")).contains("-Pgpu package");
        assertThat(runCommands("build-cpu")).contains("package").doesNotContain("-Pgpu");
    }

    @Test
    void everyBuildExtractsTheLayersAndKeepsOnlyLinuxX64Natives() {
        for (String build : List.of("build-cpu", "build-gpu")) {
            assertThat(runCommands(build)).as(build)
                    .contains("java -Djarmode=tools -jar target/nightshift.jar extract --layers --launcher --destination /layers")
                    .contains("keep-linux-x64-natives /layers/dependencies/BOOT-INF/lib");
        }
    }

    @Test
    void eachRuntimeCopiesTheLayersFromItsOwnBuildDependenciesFirst() {
        for (String runtime : RUNTIME_STAGES) {
            List<String> layers = new ArrayList<>();
            for (Instruction copy : DOCKERFILE.stage(runtime).all("COPY")) {
                Matcher matcher = LAYER_COPY.matcher(copy.arguments());
                if (matcher.find()) {
                    assertThat(matcher.group(1)).as(runtime).isEqualTo("build-" + runtime);
                    layers.add(matcher.group(2));
                }
            }
            assertThat(layers).as(runtime).isEqualTo(LAYER_ORDER);
        }
    }

    @Test
    void eachRuntimeRunsAsANumericNonRootUser() {
        for (String runtime : RUNTIME_STAGES) {
            String user = DOCKERFILE.stage(runtime).last("USER").orElseThrow().arguments();
            // Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
            assertThat(user).as(runtime).matches("[0-9]+(:[0-9]+)?");
            assertThat(user.split(":")[0]).as(runtime).isNotEqualTo("0");
        }
    }

    @Test
    void eachRuntimeStartsTheJvmInExecFormWithThePomsFlags() throws IOException {
        List<String> flags = Arrays.asList(jvmFlagsFromPom().split("\\s+"));
        for (String runtime : RUNTIME_STAGES) {
            Instruction entrypoint = DOCKERFILE.stage(runtime).last("ENTRYPOINT").orElseThrow();
            assertThat(entrypoint.isExecForm()).as(runtime + " ENTRYPOINT in exec form").isTrue();
            List<String> words = execWords(entrypoint);
            assertThat(words.getFirst()).as(runtime).isEqualTo("java");
            assertThat(words).as(runtime).containsAll(flags).endsWith("org.springframework.boot.loader.launch.JarLauncher");
            assertThat(DOCKERFILE.stage(runtime).last("CMD").orElseThrow().isExecForm()).as(runtime + " CMD").isTrue();
        }
        assertThat(execWords(DOCKERFILE.stage("cpu").last("CMD").orElseThrow())).containsExactly("serve");
        assertThat(execWords(DOCKERFILE.stage("gpu").last("CMD").orElseThrow())).containsExactly("worker");
    }

    @Test
    void noStageSetsACredentialInItsEnvironmentOrArguments() {
        for (Stage stage : DOCKERFILE.stages()) {
            for (Instruction instruction : stage.instructions()) {
                if (instruction.keyword().equals("ENV") || instruction.keyword().equals("ARG")) {
                    assertThat(instruction.arguments().toUpperCase(Locale.ROOT)).as("%s %s in stage %s", instruction.keyword(),
                            instruction.arguments(), stage.name()).doesNotContain("PASSWORD", "SECRET", "TOKEN", "ACCESS_KEY");
                }
            }
        }
        assertThat(DOCKERFILE.globalArguments().keySet()).allSatisfy(name -> assertThat(name.toUpperCase(Locale.ROOT))
                .doesNotContain("PASSWORD", "SECRET", "TOKEN"));
    }

    @Test
    void theBuildContextLeavesOutBuildOutputsHistoryAndLocalState() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(ignored).contains("target/", ".git", "var/", "bench/results/", "**/node_modules/", "*.tfstate");
    }

    @Test
    void theNativeStripKeepsLinuxX64AndDeletesTheOtherPlatforms(@TempDir Path lib) throws Exception {
        assumeThat(onPath("zip")).as("the zip tool is not installed: the strip script cannot run here").isTrue();
        // given: jars named and laid out as ONNX Runtime's, zstd-jni's and snappy-java's
        Path onnxruntime = jar(lib.resolve("onnxruntime-1.21.1.jar"), "ai/onnxruntime/OrtSession.class",
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so",
                "ai/onnxruntime/native/osx-x64/libonnxruntime.dylib", "ai/onnxruntime/native/win-x64/onnxruntime.dll");
        Path engine = jar(lib.resolve("onnxruntime-engine-0.38.0.jar"), "ai/djl/onnxruntime/engine/OrtEngine.class");
        Path zstd = jar(lib.resolve("zstd-jni-1.5.7-15.jar"), "linux/amd64/libzstd-jni.so", "linux/aarch64/libzstd-jni.so",
                "darwin/x86_64/libzstd-jni.dylib", "win/amd64/libzstd-jni.dll");
        Path snappy = jar(lib.resolve("snappy-java-1.1.10.8.jar"), "org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so",
                "org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so", "org/xerial/snappy/native/Linux/x86/libsnappyjava.so",
                "org/xerial/snappy/native/Mac/x86_64/libsnappyjava.dylib");

        // when
        Process process = new ProcessBuilder("sh", "infra/docker/keep-linux-x64-natives.sh", lib.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(entries(onnxruntime)).containsExactly("ai/onnxruntime/OrtSession.class", "ai/onnxruntime/native/linux-x64/libonnxruntime.so");
        assertThat(entries(engine)).containsExactly("ai/djl/onnxruntime/engine/OrtEngine.class");
        assertThat(entries(zstd)).containsExactly("linux/amd64/libzstd-jni.so");
        assertThat(entries(snappy)).containsExactly("org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so");
    }

    @Test
    void theNativeStripFailsWhenThereIsNoOnnxRuntimeJar(@TempDir Path lib) throws Exception {
        // when: a wrong directory (the layout of the extracted jar changed) must not produce an image silently
        Process process = new ProcessBuilder("sh", "infra/docker/keep-linux-x64-natives.sh", lib.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output).contains("keep-linux-x64-natives: no onnxruntime jar in " + lib);
    }

    private static String runCommands(String stage) {
        return String.join("\n", DOCKERFILE.stage(stage).all("RUN").stream().map(Instruction::arguments).toList());
    }

    private static List<String> execWords(Instruction instruction) {
        String inner = instruction.arguments().substring(1, instruction.arguments().length() - 1).strip();
        return Arrays.stream(inner.split("\\s*,\\s*")).map(word -> word.replaceAll("^\"|\"$", "")).toList();
    }

    private static String jvmFlagsFromPom() throws IOException {
        Matcher matcher = Pattern.compile("<nightshift\\.jvm\\.flags>([^<]+)</nightshift\\.jvm\\.flags>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(matcher.find()).as("pom.xml property nightshift.jvm.flags").isTrue();
        return matcher.group(1).strip();
    }

    private static Path jar(Path file, String... entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(entry.getBytes());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).filter(name -> !name.endsWith("/")).sorted().toList();
        }
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(directory -> Files.isExecutable(Path.of(directory, tool)));
    }
}
