package io.nightshift.cli;

import io.nightshift.model.registry.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Move production back to the version the current one replaced.",
                "One step: exactly the version production pointed at before the current one was promoted. The rolled-back "
                        + "version is ARCHIVED; runs already started keep the version they pinned."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsRollbackCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The model, e.g. churn.")
    String name;

    @Mixin
    ByOption by;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the audit trail).")
    String reason;

    @Override
    public Integer call() {
        return Registries.run(registry -> {
            ModelRegistry.Rollback rollback = registry.rollback(name, by.by, reason);
            return "rolled back %s: production %s@%d → %s@%d".formatted(name, name, rollback.from(), name, rollback.to());
        });
    }
}
