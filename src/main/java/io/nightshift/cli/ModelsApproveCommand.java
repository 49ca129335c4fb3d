package io.nightshift.cli;

import io.nightshift.model.registry.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Approve a candidate the gate passed; the last approval needed promotes it.",
                "Refused for whoever registered it (or the job that trained it), for a candidate that failed the gate or "
                        + "was never gated, and when production moved since the gate ran (gate it again). The gate says how "
                        + "many distinct people must approve; promotion moves production to it in one step, and the version "
                        + "it replaces stays for rollback."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsApproveCommand implements Callable<Integer> {

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
            ModelRegistry.Approval approval = registry.approve(name, version, by.by, reason);
            String reference = approval.version().reference();
            String counted = approval.counted() ? "" : " (" + by.by.strip() + " had approved already: counted once)";
            String line = "approved %s by %s: %d of %d approval(s)%s".formatted(reference, by.by.strip(), approval.approvers().size(),
                    approval.required(), counted);
            if (approval.promoted()) {
                line += System.lineSeparator() + "promoted " + reference + ": production "
                        + (approval.previousProduction() == null ? "(none)" : name + "@" + approval.previousProduction()) + " → " + reference;
            }
            return line;
        });
    }
}
