package io.nightshift.cli;

import io.nightshift.NightshiftProperties;
import io.nightshift.home.HomeCleaner;
import io.nightshift.job.RunHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightshift gc}: prunes the home's model cache and old run logs; the rules are {@link HomeCleaner}'s. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Free space in the home: old cached models, finished runs' logs, leftovers.",
                "Deletes cached models and run logs last used longer ago than --older-than, and temporaries left by",
                "killed commands. Never deletes the model or the log of a run that can still be relaunched (FAILED,",
                "STOPPED, running), nor the job repository (db/)."})
final class GcCommand implements Callable<Integer> {

    @Option(names = "--older-than", defaultValue = "30d", paramLabel = "AGE", converter = AgeConverter.class,
            description = "Delete what was last used longer ago than this: days, hours or minutes, e.g. 30d, 12h, 90m (default: ${DEFAULT-VALUE}).")
    Duration olderThan;

    @Option(names = "--dry-run", description = "List what would be deleted and how many bytes it frees; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        try (ConfigurableApplicationContext context = ApplicationContexts.start(List.of())) {
            Path home = context.getBean(NightshiftProperties.class).home().toAbsolutePath().normalize();
            List<RunHistory.Entry> runs = context.getBean(RunHistory.class).all();
            String age = HomeCleaner.formatAge(olderThan);
            HomeCleaner.Plan plan = HomeCleaner.plan(home, runs, olderThan, Instant.now());
            System.out.printf("home %s: %s what was last used more than %s ago%n", home, dryRun ? "listing" : "deleting", age);
            for (HomeCleaner.Entry entry : plan.deletions()) {
                System.out.printf("  %s %s %s (%s): %s%n", dryRun ? "would delete" : "delete", kind(entry), shown(home, entry),
                        HomeCleaner.bytes(entry.bytes()), entry.why());
            }
            for (HomeCleaner.Entry entry : plan.keptOld()) {
                System.out.printf("  keep %s %s: %s%n", kind(entry), shown(home, entry), entry.why());
            }
            if (plan.keptRecent() > 0) {
                System.out.printf("  keep %d more, used within %s%n", plan.keptRecent(), age);
            }
            if (dryRun) {
                System.out.printf("dry run: would delete %,d file(s), %s (%,d bytes); nothing changed%n", plan.files(),
                        HomeCleaner.bytes(plan.bytes()), plan.bytes());
                return ExitCodes.SUCCESS;
            }
            HomeCleaner.Result result = HomeCleaner.delete(plan);
            System.out.printf("deleted %,d file(s), %s (%,d bytes) freed%n", result.files(), HomeCleaner.bytes(result.bytes()),
                    result.bytes());
            for (String failure : result.failures()) {
                System.err.println("nightshift: cannot delete " + failure);
            }
            return result.failures().isEmpty() ? ExitCodes.SUCCESS : ExitCodes.FAILED;
        }
    }

    /** {@code models/<sha256>/} or {@code logs/run-3.log}: relative to the home printed above. */
    private static String shown(Path home, HomeCleaner.Entry entry) {
        return home.relativize(entry.path()) + (entry.kind() == HomeCleaner.Kind.MODEL ? "/" : "");
    }

    private static String kind(HomeCleaner.Entry entry) {
        return entry.kind().name().toLowerCase(Locale.ROOT);
    }

    /** {@code 30d}, {@code 12h}, {@code 90m}; anything else is a usage error (exit 2) saying what an age looks like. */
    static final class AgeConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return HomeCleaner.parseAge(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
