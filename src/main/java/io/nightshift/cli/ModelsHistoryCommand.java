package io.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Show what happened to a model, oldest first.",
                "Registrations, gate results, approvals, rejections, promotions, rollbacks and alias moves: who, when, "
                        + "which version, why, and where an alias moved from and to."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsHistoryCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The model, e.g. churn.")
    String name;

    @Override
    public Integer call() {
        return Registries.run(registry -> RegistryText.audit(registry.history(name), false));
    }
}
