package io.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Show the registry's audit trail, oldest first.",
                "One row per action (register, gate, approve, reject, promote, rollback, alias, report): who, when, "
                        + "which model and version, why, and where an alias moved. Rows are never changed or deleted."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class AuditCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME", description = "Only this model's rows.")
    String model;

    @Override
    public Integer call() {
        return Registries.run(registry -> RegistryText.audit(registry.audit(model), true));
    }
}
