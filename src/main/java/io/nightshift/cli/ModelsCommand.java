package io.nightshift.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nightshift models}: the model registry's commands; alone, its usage and exit 2. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"Register model versions, look at them, approve, reject, promote and roll back.",
                "Versions are immutable and stored by sha256 in nightshift.registry.location (default <home>/registry); "
                        + "score one with --model NAME@VERSION or NAME@ALIAS, e.g. churn@production."},
        subcommands = {ModelsRegisterCommand.class, ModelsListCommand.class, ModelsShowCommand.class, ModelsHistoryCommand.class,
                ModelsApproveCommand.class, ModelsRejectCommand.class, ModelsRollbackCommand.class, ModelsAliasCommand.class},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
