package io.nightshift.model.registry;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.NightshiftApplication;
import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.RegistryFixtures;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The registry through its commands on the embedded H2 database: registering (directories and bare models), refusing
 * the same bytes twice and tampered artifacts, the four-eyes rules, promotion, rollback and the audit trail. The gate
 * is not built here: its entry point, {@link ModelRegistry#recordGateResult}, is called directly. Each test uses a
 * model name of its own in one shared home.
 */
class ModelRegistryIntegrationTests {

    @TempDir
    static Path workspace;
    static Path input;
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;

    @BeforeAll
    static void startWithAHomeOfItsOwn() throws IOException {
        System.setProperty("nightshift.home", workspace.resolve("var").toString());
        input = workspace.resolve("input");
        ScoringFixtures.data(input, 1, 3_000, 1_000, 0);
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        System.clearProperty("nightshift.home");
    }

    // --- register ----------------------------------------------------------------------------------------------------

    @Test
    void registeringAModelDirectoryPrintsItsVersionAndEachNewModelGetsTheNextNumber() throws IOException {
        // when
        Result first = nightshift("models", "register", model("increment-1", 1).toString(), "--name", "increment", "--by", "alice");
        Result second = nightshift("models", "register", model("increment-2", 2).toString(), "--name", "increment", "--by", "alice",
                "--description", "retrained on November");
        Result list = nightshift("models", "list");
        Result show = nightshift("models", "show", "increment@2");

        // then
        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).startsWith("registered increment version 1" + System.lineSeparator()).contains("state        REGISTERED");
        assertThat(second.out()).startsWith("registered increment version 2");
        assertThat(list.out()).containsPattern("increment +2 +2 +REGISTERED +-");
        assertThat(show.out()).contains("increment@2: REGISTERED", "description  retrained on November", "registered   ",
                " by alice", "gate         - (not gated yet)");
    }

    @Test
    void aBareOnnxIsRegisteredWithTheFeaturesGivenAndAModelYamlListingThem() throws IOException {
        // given
        Path bare = ScoringFixtures.logisticModel(workspace.resolve("bare-listed"), ScoringFixtures.FEATURES);
        String features = String.join(",", ModelRegistry.prefixedFeatures("f", ScoringFixtures.FEATURES));

        // when
        Result registered = nightshift("models", "register", bare.toString(), "--name", "bare-listed", "--features", features);

        // then
        assertThat(registered.exitCode()).as(registered.all()).isZero();
        assertThat(registered.out()).startsWith("registered bare-listed version 1");
        ResolvedVersion resolved = registry.resolveVersion("bare-listed@1");
        assertThat(resolved.artifact().spec().featureNames()).isEqualTo(List.of(features.split(",")));
        assertThat(resolved.artifact().spec().name()).isEqualTo("bare-listed");
        assertThat(resolved.artifact().spec().version()).isEqualTo("1");
        assertThat(resolved.version().registeredBy()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void aBareOnnxWithAFeaturePrefixGetsAsManyZeroPaddedColumnsAsItsInputIsWide() throws IOException {
        // given
        Path bare = ScoringFixtures.logisticModel(workspace.resolve("bare-prefixed"), ScoringFixtures.FEATURES);

        // when
        Result registered = nightshift("models", "register", bare.toString(), "--name", "bare-prefixed", "--feature-prefix", "f");

        // then
        assertThat(registered.exitCode()).as(registered.all()).isZero();
        assertThat(registry.resolveVersion("bare-prefixed@1").artifact().spec().featureNames())
                .containsExactly("f00", "f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08", "f09", "f10", "f11");
    }

    @Test
    void aBareOnnxWithoutFeaturesIsRefused() throws IOException {
        // given
        Path bare = ScoringFixtures.logisticModel(workspace.resolve("bare-without"), ScoringFixtures.FEATURES);

        // when
        Result registered = nightshift("models", "register", bare.toString(), "--name", "bare-without");

        // then
        assertThat(registered.exitCode()).isEqualTo(2);
        assertThat(registered.message()).contains("a model without model.yaml needs its features");
    }

    @Test
    void theSameBytesRegisteredAgainUnderTheSameNameAreRefusedNamingTheVersionTheyAre() throws IOException {
        // given
        Path directory = model("duplicate", 3);
        assertThat(nightshift("models", "register", directory.toString(), "--name", "duplicate").exitCode()).isZero();

        // when
        Result again = nightshift("models", "register", directory.toString(), "--name", "duplicate");

        // then
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.message()).contains("already registered as duplicate@1").contains("A version never changes");
        assertThat(registry.model("duplicate").versions()).hasSize(1);
    }

    // --- verification at load ----------------------------------------------------------------------------------------

    @Test
    void aTamperedArtifactIsRefusedWhenScoredWithExit2() throws IOException {
        // given: registered, then its stored model.onnx changed (same size) behind the registry's back
        assertThat(nightshift("models", "register", model("tampered", 4).toString(), "--name", "tampered").exitCode()).isZero();
        ModelVersion version = registry.version("tampered@1");
        Path stored = Path.of(URI.create(version.artifactUri())).resolve("model.onnx");
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length - 5] ^= 0x01;
        Files.write(stored, bytes);

        // when
        Result score = nightshift(score("tampered@1", "tampered-output"));

        // then
        assertThat(score.exitCode()).as(score.all()).isEqualTo(2);
        assertThat(score.message()).matches("nightshift: Cannot load tampered@1: model.onnx has sha256 [0-9a-f]{12}…, registered "
                + version.onnxSha256().substring(0, 12) + "…\\. The artifact changed after registration; re-register it\\.");
    }

    @Test
    void aTruncatedArtifactIsRefusedToo() throws IOException {
        // given
        assertThat(nightshift("models", "register", model("truncated", 5).toString(), "--name", "truncated").exitCode()).isZero();
        Path stored = Path.of(URI.create(registry.version("truncated@1").artifactUri())).resolve("model.onnx");
        try (RandomAccessFile file = new RandomAccessFile(stored.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        // when
        Result score = nightshift(score("truncated@1", "truncated-output"));

        // then
        assertThat(score.exitCode()).isEqualTo(2);
        assertThat(score.message()).contains("Cannot load truncated@1: model.onnx has sha256 ")
                .contains("The artifact changed after registration; re-register it.");
    }

    @Test
    void anUnknownModelOrAliasIsAnExit2ErrorNamingWhatIsKnown() throws IOException {
        // given
        assertThat(nightshift("models", "register", model("known", 6).toString(), "--name", "known").exitCode()).isZero();
        assertThat(nightshift("models", "alias", "known", "candidate", "1", "--by", "alice").exitCode()).isZero();

        // when
        Result unknownName = nightshift(score("knwon@production", "unknown-name-output"));
        Result unknownAlias = nightshift(score("known@candidat", "unknown-alias-output"));
        Result unknownVersion = nightshift(score("known@7", "unknown-version-output"));

        // then
        assertThat(unknownName.exitCode()).isEqualTo(2);
        assertThat(unknownName.message()).contains("no model named knwon in the registry (did you mean known?); registered models: ")
                .contains("known");
        assertThat(unknownAlias.exitCode()).isEqualTo(2);
        assertThat(unknownAlias.message()).contains("known has no alias candidat (did you mean known@candidate?); its aliases are "
                + "candidate → 1.");
        assertThat(unknownVersion.exitCode()).isEqualTo(2);
        assertThat(unknownVersion.message()).contains("known has no version 7; its versions are 1.");
    }

    // --- four eyes ---------------------------------------------------------------------------------------------------

    @Test
    void whoeverRegisteredACandidateCannotApproveItButSomeoneElseCan() throws IOException {
        // given: registered by alice, passed by the gate with one approval required
        register("four-eyes", 7, "alice");
        registry.recordGateResult("four-eyes", 1, true, null, 1, false, null, "gate");

        // when
        Result byAlice = nightshift("models", "approve", "four-eyes", "1", "--by", "alice", "--reason", "looks good");
        Result byBob = nightshift("models", "approve", "four-eyes", "1", "--by", "bob", "--reason", "report checked");

        // then
        assertThat(byAlice.exitCode()).isEqualTo(2);
        assertThat(byAlice.message()).contains("Cannot approve four-eyes@1: alice registered it").contains("(four eyes)");
        assertThat(byBob.exitCode()).as(byBob.all()).isZero();
        assertThat(byBob.out()).contains("approved four-eyes@1 by bob: 1 of 1 approval(s)",
                "promoted four-eyes@1: production (none) → four-eyes@1");
        assertThat(registry.version("four-eyes@production").version()).isEqualTo(1);
        assertThat(registry.version("four-eyes@1").state()).isEqualTo(ModelState.PROMOTED);
    }

    @Test
    void theJobThatTrainedACandidateCannotApproveIt() throws IOException {
        // given
        register("trained", 8, "job:retrain-churn");
        registry.recordGateResult("trained", 1, true, null, 1, false, null, "job:retrain-churn");

        // when
        Result byJob = nightshift("models", "approve", "trained", "1", "--by", "job:retrain-churn", "--reason", "auto");

        // then
        assertThat(byJob.exitCode()).isEqualTo(2);
        assertThat(byJob.message()).contains("job:retrain-churn registered it");
        assertThat(registry.version("trained@1").state()).isEqualTo(ModelState.PENDING_APPROVAL);
    }

    @Test
    void aCandidateThatFailedTheGateOrWasNeverGatedCannotBeApproved() throws IOException {
        // given
        register("failed", 9, "alice");
        register("failed", 10, "alice");
        registry.recordGateResult("failed", 1, false, null, 1, false, "file:///reports/failed/1/", "gate");

        // when
        Result failed = nightshift("models", "approve", "failed", "1", "--by", "bob", "--reason", "ship it");
        Result neverGated = nightshift("models", "approve", "failed", "2", "--by", "bob", "--reason", "ship it");

        // then
        assertThat(failed.exitCode()).isEqualTo(2);
        assertThat(failed.message()).contains("Cannot approve failed@1: it failed the gate (report: file:///reports/failed/1/)");
        assertThat(neverGated.exitCode()).isEqualTo(2);
        assertThat(neverGated.message()).contains("Cannot approve failed@2: it was never gated");
        assertThat(registry.version("failed@1").state()).isEqualTo(ModelState.GATE_FAILED);
    }

    @Test
    void aCandidateGatedAgainstAProductionVersionThatHasSinceMovedNeedsTheGateAgain() throws IOException {
        // given: 1 in production; 2 and 3 both gated against it; 3 approved first, so production is 3
        promoteNew("moved", 11);
        register("moved", 12, "alice");
        register("moved", 13, "alice");
        registry.recordGateResult("moved", 2, true, 1, 1, false, null, "gate");
        registry.recordGateResult("moved", 3, true, 1, 1, false, null, "gate");
        assertThat(nightshift("models", "approve", "moved", "3", "--by", "bob", "--reason", "better").exitCode()).isZero();

        // when
        Result stale = nightshift("models", "approve", "moved", "2", "--by", "bob", "--reason", "also better");

        // then
        assertThat(stale.exitCode()).isEqualTo(2);
        assertThat(stale.message()).contains("Cannot approve moved@2: the gate compared it with moved@1, but production has since "
                + "moved to moved@3. Run the gate again.");
        // and once gated again, against 3, it can be approved
        registry.recordGateResult("moved", 2, true, 3, 1, false, null, "gate");
        assertThat(nightshift("models", "approve", "moved", "2", "--by", "bob", "--reason", "gated again").exitCode()).isZero();
        assertThat(registry.version("moved@production").version()).isEqualTo(2);
    }

    @Test
    void promotionNeedsAsManyDistinctApproversAsTheGateRequiredAndOnePersonTwiceCountsOnce() throws IOException {
        // given
        register("two-approvals", 14, "alice");
        registry.recordGateResult("two-approvals", 1, true, null, 2, false, null, "gate");

        // when
        Result first = nightshift("models", "approve", "two-approvals", "1", "--by", "bob", "--reason", "fine");
        Result again = nightshift("models", "approve", "two-approvals", "1", "--by", "bob", "--reason", "still fine");
        ModelState afterBobTwice = registry.version("two-approvals@1").state();
        Result second = nightshift("models", "approve", "two-approvals", "1", "--by", "carol", "--reason", "agreed");

        // then
        assertThat(first.out()).contains("1 of 2 approval(s)").doesNotContain("promoted");
        assertThat(again.out()).contains("1 of 2 approval(s) (bob had approved already: counted once)");
        assertThat(afterBobTwice).isEqualTo(ModelState.PENDING_APPROVAL);
        assertThat(second.out()).contains("2 of 2 approval(s)", "promoted two-approvals@1");
        assertThat(registry.version("two-approvals@1").state()).isEqualTo(ModelState.PROMOTED);
        assertThat(registry.approvers(registry.version("two-approvals@1"))).containsExactly("bob", "carol");
    }

    @Test
    void theGateCanPromoteAtOnceWhenThePolicyNeedsNoApproval() throws IOException {
        // given
        promoteNew("auto", 15);
        register("auto", 16, "job:retrain-churn");

        // when
        ModelVersion recorded = registry.recordGateResult("auto", 2, true, 1, 0, true, null, "job:retrain-churn");

        // then
        assertThat(recorded.state()).isEqualTo(ModelState.PROMOTED);
        assertThat(registry.version("auto@production").version()).isEqualTo(2);
        assertThat(registry.version("auto@1").state()).isEqualTo(ModelState.ARCHIVED);
    }

    @Test
    void rejectingACandidateMeansItCanNeverBeApproved() throws IOException {
        // given
        register("rejected", 17, "alice");
        registry.recordGateResult("rejected", 1, true, null, 1, false, null, "gate");

        // when
        Result reject = nightshift("models", "reject", "rejected", "1", "--by", "bob", "--reason", "calibration is off");
        Result approve = nightshift("models", "approve", "rejected", "1", "--by", "carol", "--reason", "ship it");

        // then
        assertThat(reject.exitCode()).as(reject.all()).isZero();
        assertThat(reject.out()).contains("rejected rejected@1 by bob");
        assertThat(approve.exitCode()).isEqualTo(2);
        assertThat(approve.message()).contains("it is REJECTED");
    }

    @Test
    void aGateReportIsCopiedIntoTheStoreBesideItsVersionAndShownWithIt() throws IOException {
        // given: a report directory as the gate writes it
        register("reported", 26, "alice");
        Path report = Files.createDirectories(workspace.resolve("gate-report"));
        Files.writeString(report.resolve("report.json"), "{\"decision\":\"PENDING_APPROVAL\"}");
        Files.writeString(report.resolve("report.html"), "<html>report</html>");

        // when: stored, recorded with the gate's result, then stored again for a second gate run
        String first = registry.storeReport("reported", 1, report, "gate");
        registry.recordGateResult("reported", 1, true, null, 1, false, first, "gate");
        Result show = nightshift("models", "show", "reported@1");
        String second = registry.storeReport("reported", 1, report, "gate");

        // then
        Path stored = Path.of(URI.create(first));
        Path reports = Path.of(URI.create(registry.location())).resolve("reported").resolve("reports").resolve("1");
        assertThat(stored).isEqualTo(reports.resolve("1"));
        assertThat(Files.readString(stored.resolve("report.json"))).isEqualTo("{\"decision\":\"PENDING_APPROVAL\"}");
        assertThat(Files.readString(stored.resolve("report.html"))).isEqualTo("<html>report</html>");
        assertThat(Path.of(URI.create(second))).isEqualTo(reports.resolve("2"));
        assertThat(show.out()).contains("  report       " + first, "gate         1 run(s), last ", "against no production version; "
                + "1 approval(s) required");
        assertThat(registry.version("reported@1").reportUri()).isEqualTo(second);
        assertThat(registry.audit("reported")).extracting(AuditEntry::action).containsExactly("register", "report", "gate", "report");
    }

    // --- rollback and aliases ----------------------------------------------------------------------------------------

    @Test
    void rollbackMovesProductionBackToExactlyTheVersionTheCurrentOneReplacedOneStepAtATime() throws IOException {
        // given: 1, then 2, then 3 promoted
        promoteNew("rollback", 18);
        promoteNew("rollback", 19);
        promoteNew("rollback", 20);

        // when
        Result first = nightshift("models", "rollback", "rollback", "--by", "bob", "--reason", "3 answers one class");
        int afterFirst = registry.version("rollback@production").version();
        Result second = nightshift("models", "rollback", "rollback", "--by", "bob", "--reason", "2 is off too");
        int afterSecond = registry.version("rollback@production").version();
        Result third = nightshift("models", "rollback", "rollback", "--by", "bob", "--reason", "and 1?");

        // then
        assertThat(first.out()).contains("rolled back rollback: production rollback@3 → rollback@2");
        assertThat(afterFirst).isEqualTo(2);
        assertThat(second.out()).contains("production rollback@2 → rollback@1");
        assertThat(afterSecond).isEqualTo(1);
        assertThat(third.exitCode()).isEqualTo(2);
        assertThat(third.message()).contains("production rollback@1 replaced no earlier version");
        assertThat(registry.model("rollback").versions()).extracting(ModelVersion::state)
                .containsExactly(ModelState.PROMOTED, ModelState.ARCHIVED, ModelState.ARCHIVED);
    }

    @Test
    void anyAliasButProductionCanBeMovedByHand() throws IOException {
        // given
        register("aliases", 21, "alice");
        register("aliases", 22, "alice");

        // when
        Result created = nightshift("models", "alias", "aliases", "candidate", "1", "--by", "alice");
        Result moved = nightshift("models", "alias", "aliases", "candidate", "2", "--by", "alice", "--reason", "newer");
        Result same = nightshift("models", "alias", "aliases", "candidate", "2", "--by", "alice");
        Result production = nightshift("models", "alias", "aliases", "production", "2", "--by", "alice");

        // then
        assertThat(created.out()).contains("alias candidate of aliases: (new) → 1");
        assertThat(moved.out()).contains("alias candidate of aliases: 1 → 2");
        assertThat(same.out()).contains("already names version 2; nothing changed");
        assertThat(production.exitCode()).isEqualTo(2);
        assertThat(production.message()).contains("production moves only when a candidate the gate passed is approved");
        assertThat(registry.version("aliases@candidate").version()).isEqualTo(2);
    }

    // --- audit -------------------------------------------------------------------------------------------------------

    @Test
    void everyActionAppendsOneAuditRowWithWhoWhatWhyAndTheAliasMove() throws IOException {
        // given / when: register 1 and 2, gate and approve 1 (promote), alias, gate 2, reject 2, register and promote 3,
        // roll back
        register("audited", 23, "alice");
        register("audited", 24, "alice");
        registry.recordGateResult("audited", 1, true, null, 1, false, null, "gate");
        assertThat(nightshift("models", "approve", "audited", "1", "--by", "bob", "--reason", "ok").exitCode()).isZero();
        assertThat(nightshift("models", "alias", "audited", "candidate", "2", "--by", "alice", "--reason", "try it").exitCode()).isZero();
        registry.recordGateResult("audited", 2, false, 1, 1, false, null, "gate");
        assertThat(nightshift("models", "reject", "audited", "2", "--by", "bob", "--reason", "worse").exitCode()).isZero();
        register("audited", 25, "alice");
        registry.recordGateResult("audited", 3, true, 1, 1, false, null, "gate");
        assertThat(nightshift("models", "approve", "audited", "3", "--by", "carol", "--reason", "better").exitCode()).isZero();
        assertThat(nightshift("models", "rollback", "audited", "--by", "bob", "--reason", "incident 7").exitCode()).isZero();
        Result audit = nightshift("audit", "--model", "audited");
        Result history = nightshift("models", "history", "audited");

        // then
        List<AuditEntry> trail = registry.audit("audited");
        assertThat(trail).extracting(AuditEntry::action).containsExactly("register", "register", "gate", "approve", "promote", "alias",
                "gate", "reject", "register", "gate", "approve", "promote", "rollback");
        assertThat(trail).extracting(AuditEntry::actor).containsExactly("alice", "alice", "gate", "bob", "bob", "alice", "gate", "bob",
                "alice", "gate", "carol", "carol", "bob");
        AuditEntry rollback = trail.getLast();
        assertThat(rollback.alias()).isEqualTo("production");
        assertThat(rollback.previousVersion()).isEqualTo(3);
        assertThat(rollback.newVersion()).isEqualTo(1);
        assertThat(rollback.reason()).isEqualTo("incident 7");
        assertThat(trail.get(4).previousVersion()).isNull();
        assertThat(trail.get(4).newVersion()).isEqualTo(1);
        assertThat(trail.get(5).alias()).isEqualTo("candidate");
        assertThat(audit.exitCode()).as(audit.all()).isZero();
        assertThat(audit.out().lines()).hasSize(1 + trail.size());
        assertThat(audit.out()).contains("production 3→1", "incident 7");
        assertThat(history.out().lines()).hasSize(1 + trail.size());
        assertThat(registry.aliasHistory("audited")).extracting(AliasMove::kind).containsExactly("PROMOTE", "ALIAS", "PROMOTE", "ROLLBACK");
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    private static Path model(String directory, long seed) throws IOException {
        return RegistryFixtures.modelDirectory(workspace.resolve("models").resolve(directory), seed);
    }

    private static void register(String name, long seed, String by) throws IOException {
        Result result = nightshift("models", "register", model(name + "-" + seed, seed).toString(), "--name", name, "--by", by);
        assertThat(result.exitCode()).as(result.all()).isZero();
    }

    /** Registers a new version (by alice), gates it against the current production and has bob approve it. */
    private static void promoteNew(String name, long seed) throws IOException {
        register(name, seed, "alice");
        int version = registry.model(name).latest().version();
        Integer production = registry.model(name).aliases().get(ModelRegistry.PRODUCTION);
        registry.recordGateResult(name, version, true, production, 1, false, null, "gate");
        Result approve = nightshift("models", "approve", name, Integer.toString(version), "--by", "bob", "--reason", "promote");
        assertThat(approve.exitCode()).as(approve.all()).isZero();
    }

    private static String[] score(String model, String output) {
        return new String[] {"score", "--model", model, "--input", input.toString(), "--output", workspace.resolve(output).toString(),
                "--id-column", ScoringFixtures.ID, "--threads", "1"};
    }
}
