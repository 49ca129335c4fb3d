package io.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a command starts the database server: from the executable jar through Boot's launcher, else from class files. */
class ServerCommandTests {

    @Test
    void classesNestedInTheExecutableJarAreStartedThroughPropertiesLauncher() {
        // given: the location Spring Boot's launcher gives our classes in the executable jar
        String location = "jar:nested:/opt/night%20shift/nightshift.jar/!BOOT-INF/classes/!/";

        // when / then
        assertThat(ServerCommand.executableJar(location)).contains(Path.of("/opt/night shift/nightshift.jar"));
        assertThat(ServerCommand.executableJar("/work/target/classes")).isEmpty();
    }

    @Test
    void fromAPlainClassPathTheServerGetsOurClassesAndH2s() {
        // when: this test runs from target/classes and the Maven repository
        ServerCommand command = ServerCommand.forThisProcess();

        // then
        assertThat(command.launch()).hasSize(3);
        assertThat(command.launch().get(0)).isEqualTo("-cp");
        assertThat(command.launch().get(1)).contains("classes").contains("h2");
        assertThat(command.launch().get(2)).isEqualTo(DatabaseServer.class.getName());
        assertThat(command.java()).endsWith(Path.of("bin", "java"));
    }

    @Test
    void aServerFromAPlainJarKeepsAClassDataArchiveBesideIt(@TempDir Path directory) throws IOException {
        // given: the launcher's extracted jar, and a class directory
        Path jar = Files.createFile(directory.resolve("nightshift.jar"));

        // when / then
        assertThat(ServerCommand.sharedArchive(jar)).containsExactly("-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + directory.resolve("database-server.jsa"));
        assertThat(ServerCommand.sharedArchive(directory)).isEmpty();
    }

    @Test
    void theCommandBindsToTheLoopbackAndEndsWithTheServersArguments() {
        // given
        ServerCommand command = new ServerCommand(List.of(), Path.of("/jdk/bin/java"),
                List.of("-cp", "app.jar", "-Dloader.main=" + DatabaseServer.class.getName(), ServerCommand.BOOT_LAUNCHER));

        // when
        List<String> line = command.command(Path.of("/home/me/var/db"), "nightshift", Duration.ofSeconds(30), Duration.ofMinutes(1));

        // then
        assertThat(line).startsWith("/jdk/bin/java").contains("-Dh2.bindAddress=127.0.0.1")
                .endsWith(ServerCommand.BOOT_LAUNCHER, "/home/me/var/db", "nightshift", "30000", "60000");
    }
}
