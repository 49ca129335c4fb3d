package io.nightshift.cli;

import io.nightshift.model.registry.ModelRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "alias", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Point an alias (candidate, shadow, ...) at a version.",
                "Any alias but production, which moves only by approval and rollback. Score the version it names with "
                        + "--model NAME@ALIAS."},
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING,
        exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.REGISTRY_FAILED_LINE, ExitCodes.REGISTRY_USAGE_LINE})
final class ModelsAliasCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "The model, e.g. churn.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias, e.g. candidate.")
    String alias;

    @Parameters(index = "2", paramLabel = "VERSION", description = "The version it should name.")
    int version;

    @Mixin
    ByOption by;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the audit trail).")
    String reason;

    @Override
    public Integer call() {
        return Registries.run(registry -> {
            ModelRegistry.AliasChange change = registry.moveAlias(name, alias, version, by.by, reason);
            if (!change.changed()) {
                return "alias %s of %s already names version %d; nothing changed".formatted(alias, name, version);
            }
            return "alias %s of %s: %s → %d".formatted(alias, name, change.from() == null ? "(new)" : change.from(), version);
        });
    }
}
