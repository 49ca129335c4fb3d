package io.nightshift.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * config/prometheus/alerts.yaml is valid Prometheus rules and passes its unit tests (alerts-test.yaml: each alert fires
 * when it should and stays quiet on normal variation), as promtool judges. Skipped, saying so, where promtool is not
 * installed (Debian/Ubuntu: apt-get install prometheus; CI installs it).
 */
class AlertRulesTests {

    private static final Path RULES = Path.of("config/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @BeforeAll
    static void requirePromtool() {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed at " + PROMTOOL
                + " (apt-get install prometheus): the alert rules are not checked");
    }

    @Test
    void theRulesAreValid() throws Exception {
        Result result = promtool("check", "rules", "alerts.yaml");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertPassesItsUnitTests() throws Exception {
        Result result = promtool("test", "rules", "alerts-test.yaml");

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void everyAlertHasAUnitTestAndSummaryDescriptionAndSeverity() throws IOException {
        String rules = Files.readString(RULES.resolve("alerts.yaml"));
        String tests = Files.readString(RULES.resolve("alerts-test.yaml"));
        List<String> alerts = rules.lines().map(String::strip).filter(line -> line.startsWith("- alert: "))
                .map(line -> line.substring("- alert: ".length())).toList();

        assertThat(alerts).hasSize(8);
        for (String alert : alerts) {
            assertThat(tests).as("a unit test of %s", alert).contains("alertname: " + alert);
        }
        assertThat(rules.split("summary:", -1)).hasSize(alerts.size() + 1);
        assertThat(rules.split("description:", -1)).hasSize(alerts.size() + 1);
        assertThat(rules.split("severity:", -1)).hasSize(alerts.size() + 1);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result promtool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
