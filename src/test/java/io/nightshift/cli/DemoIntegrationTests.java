package io.nightshift.cli;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.InProcessCommand.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nightshift demo} in a home of its own: the scoring act as before, then the retrain-and-gate act (production set
 * up by two demo users, a candidate trained on newer data, gated, refused to its author, approved by the second user);
 * and a second demo in the same home gates a new candidate against the one the first promoted.
 */
class DemoIntegrationTests {

    @TempDir
    Path workspace;

    @BeforeEach
    void homeOfItsOwn() {
        System.setProperty("nightshift.home", workspace.resolve("var").toString());
    }

    @AfterEach
    void forgetHome() {
        System.clearProperty("nightshift.home");
    }

    @Test
    void theDemoScoresThenRetrainsGatesAndApprovesByASecondUserAndCanRunAgain() {
        // when
        Result first = nightshift("demo");
        Result second = nightshift("demo");
        Result history = nightshift("models", "history", "demo-churn");

        // then: the scoring act as before
        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("demo data ", "demo model ", "rows rejected 20", "Where to look:", "scores ");
        // the retrain-and-gate act
        assertThat(first.out()).contains("Retrain and gate (in the model registry,",
                "  production demo-churn@1 (the demo's model: registered by demo-alice, gated, approved by demo-bob)",
                "  candidate  demo-churn@2 (mlp trained on 40,000 newer rows",
                "  gate       PENDING_APPROVAL demo-churn@2 against production demo-churn@1",
                "passed  roc_auc.threshold", "report       file:", "  approve    by demo-alice: refused: ",
                "  approve    by demo-bob: 1 of 1 approval(s); promoted: production demo-churn@1 → demo-churn@2");
        System.out.println(first.out());
        // and again in the same home: a new candidate against the one the first demo promoted
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.out()).contains("  production demo-churn@2" + System.lineSeparator(), "  candidate  demo-churn@3",
                "against production demo-churn@2");
        assertThat(history.out()).contains("demo-alice", "demo-bob");
    }
}
