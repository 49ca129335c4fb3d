package io.nightshift.cli;

import io.nightshift.model.registry.ModelVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reject", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reject a candidate: it can never be approved.",
                "For a version that is registered, failed by the gate or pending approval; a promoted one is taken out of "
                        + "production with rollback."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsRejectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "The model, e.g. churn.")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The candidate's version number.")
    int version;

    @Mixin
    ByOption by;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the audit trail).")
    String reason;

    @Override
    public Integer call() {
        return Registries.run(registry -> {
            ModelVersion rejected = registry.reject(name, version, by.by, reason);
            return "rejected " + rejected.reference() + " by " + by.by.strip();
        });
    }
}
